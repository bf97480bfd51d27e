//! The "Batch export…" window: one signed pass per row of a CSV, from the open design.
//!
//! Choose a CSV (the "Choose…" button or its path typed in), see which column fills what in the
//! design (placeholders without a column and columns nothing uses are marked), step the live
//! preview through the rows, then choose a folder and run. The run is `passmith_core::batch`,
//! the same engine as `passmith batch`, on a named background thread: the window keeps drawing,
//! with a progress bar (rows/s, time left) and a Cancel button. At the end it lists the rows
//! that failed, with their line and reason, and offers to open the folder.
//!
//! This module keeps only UI state: the design is read from the document each time it changes,
//! and nothing here edits it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use passmith_core::batch::{
    self, Mapping, Personalised, Place, Plan, Progress, Report, RowFailure, RunOptions, Table,
    Template, Use,
};
use passmith_core::export::{ExportOptions, Gate};
use passmith_core::identity::{Identity, IdentitySummary};
use passmith_core::{Finding, PassDocument};

use crate::app::command::Command;
use crate::app::files::{DialogRequest, FileDialogs};
use crate::app::{engine, theme, widgets};

/// One line of the column table: the column and what it fills, in plain words.
struct ColumnRow {
    name: String,
    optional: bool,
    /// Empty when nothing in the design uses the column.
    uses: Vec<String>,
}

/// A CSV read and checked against the design.
struct Loaded {
    path: PathBuf,
    table: Table,
    /// The document version the mapping and plan were made from.
    design_version: u64,
    columns: Vec<ColumnRow>,
    /// `{{placeholder}}` without a column, with where the design uses it.
    missing: Vec<String>,
    /// How serial numbers are made, in words.
    serials: String,
    /// The plan, or why the batch cannot start.
    plan: Result<Arc<Plan>, String>,
    /// Changes whenever the plan is rebuilt (the preview's cache key).
    generation: u64,
}

/// The previewed row, made once per row and plan.
struct RowPreview {
    generation: u64,
    row: usize,
    made: Result<Personalised, RowFailure>,
    /// The errors the export would refuse this row for.
    errors: Vec<Finding>,
}

/// A batch running on its thread.
struct Running {
    cancel: Arc<AtomicBool>,
    progress: Arc<Mutex<Option<Progress>>>,
    rx: Receiver<Result<Report, String>>,
    out_dir: PathBuf,
    total: usize,
}

/// How the last run ended.
pub struct Finished {
    pub out_dir: PathBuf,
    /// The report, or why the batch could not start.
    pub result: Result<Report, String>,
}

/// What the main preview shows while the window previews a row.
pub struct RowShown<'a> {
    /// The row's pass; `None` when the row cannot be made (the design is shown instead).
    pub document: Option<&'a PassDocument>,
    /// A cache key for the preview, distinct from every document version.
    pub key: u64,
    /// "Row 3 of 5 (line 4)".
    pub caption: String,
    /// Why the row cannot be made or would be refused.
    pub problem: Option<String>,
}

/// The window's state (UI state, not part of the document).
#[derive(Default)]
pub struct BatchDialog {
    pub open: bool,
    /// The CSV's path as typed or chosen.
    pub csv_path: String,
    /// The output folder as typed or chosen.
    pub out_dir: String,
    /// Also write `.pkpasses` bundles of up to 10 passes.
    pub bundle: bool,
    /// Keep passes already in the folder that verify (finishes a cancelled run).
    pub resume: bool,
    /// The row shown in the preview (0-based).
    pub row: usize,
    /// Show the row in the main preview, instead of the design.
    pub show_in_preview: bool,
    loaded: Option<Loaded>,
    load_error: Option<String>,
    row_preview: Option<RowPreview>,
    running: Option<Running>,
    pub finished: Option<Finished>,
    generations: u64,
}

impl BatchDialog {
    /// Opens the window (keeping a CSV already chosen).
    pub fn show(&mut self) {
        if !self.open {
            self.open = true;
            self.show_in_preview = true;
        }
    }

    /// True while a batch runs.
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// How far the running batch is (`None` before its first row and when none runs).
    pub fn progress(&self) -> Option<Progress> {
        let running = self.running.as_ref()?;
        *running
            .progress
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The number of data rows in the loaded CSV.
    pub fn rows(&self) -> Option<usize> {
        self.loaded.as_ref().map(|l| l.table.rows.len())
    }

    /// Why the CSV could not be read, or why the batch cannot start.
    pub fn problem(&self) -> Option<&str> {
        self.load_error.as_deref().or_else(|| {
            self.loaded
                .as_ref()
                .and_then(|l| l.plan.as_ref().err().map(String::as_str))
        })
    }

    /// Reads the CSV at `csv_path` and checks it against `doc`.
    pub fn load(&mut self, doc: &PassDocument, version: u64) {
        self.loaded = None;
        self.row_preview = None;
        self.load_error = None;
        let path = PathBuf::from(self.csv_path.trim());
        if path.as_os_str().is_empty() {
            return;
        }
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                self.load_error = Some(format!(
                    "Could not read {}: {e}. Check the path, or use Choose… to pick the file.",
                    path.display()
                ));
                return;
            }
        };
        let label = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        match Table::parse(&bytes, &label) {
            Ok(table) => {
                if self.out_dir.trim().is_empty() {
                    self.out_dir = suggested_out_dir(&path).display().to_string();
                }
                self.row = 0;
                self.generations += 1;
                let mut loaded = Loaded {
                    path,
                    table,
                    design_version: version,
                    columns: Vec::new(),
                    missing: Vec::new(),
                    serials: String::new(),
                    plan: Err(String::new()),
                    generation: self.generations,
                };
                loaded.check(doc, version, self.generations);
                self.loaded = Some(loaded);
            }
            Err(e) => self.load_error = Some(format!("The CSV cannot be used: {e}")),
        }
    }

    /// Keeps the plan in step with the design, and makes the previewed row. Call once a frame,
    /// before the preview is drawn.
    pub fn refresh(
        &mut self,
        doc: &PassDocument,
        version: u64,
        identity: Option<&IdentitySummary>,
        now: i64,
    ) {
        // Only while the window is open: a closed window does not re-check a big CSV on every
        // edit of the design.
        let Some(loaded) = self.loaded.as_mut().filter(|_| self.open) else {
            return;
        };
        if loaded.design_version != version && self.running.is_none() {
            self.generations += 1;
            loaded.check(doc, version, self.generations);
        }
        if !self.show_in_preview {
            return;
        }
        let Ok(plan) = &loaded.plan else {
            self.row_preview = None;
            return;
        };
        self.row = self.row.min(loaded.table.rows.len().saturating_sub(1));
        let current = self
            .row_preview
            .as_ref()
            .is_some_and(|p| p.generation == loaded.generation && p.row == self.row);
        if !current {
            let made = plan.personalise(self.row);
            let errors = match &made {
                Ok(p) => engine::validate(&p.document, identity, now)
                    .into_iter()
                    .filter(Finding::is_error)
                    .collect(),
                Err(_) => Vec::new(),
            };
            self.row_preview = Some(RowPreview {
                generation: loaded.generation,
                row: self.row,
                made,
                errors,
            });
        }
    }

    /// The row the main preview should show instead of the design, while the window is open.
    pub fn shown_row(&self) -> Option<RowShown<'_>> {
        if !self.open || !self.show_in_preview {
            return None;
        }
        let loaded = self.loaded.as_ref()?;
        let preview = self.row_preview.as_ref()?;
        let total = loaded.table.rows.len();
        let line = loaded.table.rows.get(preview.row).map_or(0, |r| r.line);
        let caption = format!(
            "Batch preview: row {} of {total} (line {line} of the CSV)",
            preview.row + 1
        );
        let key = (1 << 63) | (loaded.generation << 32) | preview.row as u64;
        let (document, problem) = match &preview.made {
            Ok(p) if preview.errors.is_empty() => (Some(&p.document), None),
            Ok(p) => (
                Some(&p.document),
                Some(format!(
                    "This row would be refused: {}",
                    preview
                        .errors
                        .iter()
                        .map(|f| f.message.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                )),
            ),
            Err(failure) => (
                None,
                Some(format!(
                    "This row cannot be made ({failure}). The preview shows the design."
                )),
            ),
        };
        Some(RowShown {
            document,
            key,
            caption,
            problem,
        })
    }

    /// Starts the batch on a background thread, signing with `identity`.
    pub fn start(
        &mut self,
        ctx: &egui::Context,
        identity: &Identity,
        wwdr_pem: Option<Vec<u8>>,
        now: i64,
    ) {
        if self.running.is_some() {
            return;
        }
        let Some(plan) = self.loaded.as_ref().and_then(|l| l.plan.clone().ok()) else {
            return;
        };
        let out_dir = PathBuf::from(self.out_dir.trim());
        if out_dir.as_os_str().is_empty() {
            return;
        }
        let total = plan.table().rows.len();
        let cancel = Arc::new(AtomicBool::new(false));
        let progress = Arc::new(Mutex::new(None));
        let (tx, rx) = mpsc::channel();
        let opts = RunOptions {
            out_dir: out_dir.clone(),
            jobs: 0,
            resume: self.resume,
            bundle: self.bundle,
        };
        let identity = identity.clone();
        let work = {
            let cancel = Arc::clone(&cancel);
            let progress = Arc::clone(&progress);
            let ctx = ctx.clone();
            move || {
                let mut export = ExportOptions::at(now);
                export.wwdr_pem = wwdr_pem.as_deref();
                let gate = Gate::open(&identity, &export).sharing_files_of(plan.template().base());
                let report = batch::run(&plan, &gate, &opts, &cancel, &|p| {
                    *progress.lock().unwrap_or_else(PoisonError::into_inner) = Some(p);
                    ctx.request_repaint();
                });
                // The window may have closed; then nobody needs the answer.
                let _ = tx.send(report.map_err(|e| e.to_string()));
                ctx.request_repaint();
            }
        };
        match std::thread::Builder::new()
            .name("passmith-batch".to_owned())
            .spawn(work)
        {
            Ok(_) => {
                self.finished = None;
                self.running = Some(Running {
                    cancel,
                    progress,
                    rx,
                    out_dir,
                    total,
                });
            }
            Err(e) => {
                self.finished = Some(Finished {
                    out_dir,
                    result: Err(format!(
                        "the work could not be started ({e}); close other programs and try again"
                    )),
                });
            }
        }
    }

    /// Asks the running batch to stop after the passes being written.
    pub fn cancel(&self) {
        if let Some(running) = &self.running {
            running.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Picks up the end of a run. Call once a frame.
    pub fn poll(&mut self, ctx: &egui::Context) {
        let Some(running) = &self.running else {
            return;
        };
        let result = match running.rx.try_recv() {
            Err(TryRecvError::Empty) => {
                // The thread asks for a frame after each row; this is a fallback.
                ctx.request_repaint_after(Duration::from_millis(200));
                return;
            }
            Err(TryRecvError::Disconnected) => Err(
                "the batch stopped unexpectedly; run it again with “Skip passes already in the folder” ticked"
                    .to_owned(),
            ),
            Ok(result) => result,
        };
        self.finished = Some(Finished {
            out_dir: running.out_dir.clone(),
            result,
        });
        self.running = None;
        ctx.request_repaint();
    }

    /// The window, when open; returns what the user asked the app for.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        dialogs: &mut dyn FileDialogs,
        doc: &PassDocument,
        version: u64,
    ) -> Vec<Command> {
        let mut commands = Vec::new();
        if !self.open {
            return commands;
        }
        let mut open = self.open;
        let window = egui::Window::new("Batch export")
            .id(egui::Id::unique("passmith-batch-export"))
            .default_width(theme::BATCH_DIALOG_WIDTH)
            .resizable(true)
            .vscroll(true);
        // No close button while a run is going: Cancel stops it.
        let window = if self.running.is_some() {
            window
        } else {
            window.open(&mut open)
        };
        window.show(ctx, |ui| {
            ui.label(
                "Make one signed pass per row of a spreadsheet saved as CSV. Write {{column}} \
                 in any text of the design where a row's value goes.",
            );
            ui.add_space(theme::SPACE_M);
            self.files_ui(ui, dialogs, doc, version);
            if let Some(error) = &self.load_error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            if self.loaded.is_some() {
                ui.separator();
                self.mapping_ui(ui);
                ui.separator();
                self.rows_ui(ui);
            }
            ui.separator();
            self.run_ui(ui, &mut commands);
            self.finished_ui(ui, dialogs, &mut commands);
        });
        if self.running.is_none() {
            self.open = open;
        }
        commands
    }

    /// The CSV and the output folder, each a path field with "Choose…".
    fn files_ui(
        &mut self,
        ui: &mut egui::Ui,
        dialogs: &mut dyn FileDialogs,
        doc: &PassDocument,
        version: u64,
    ) {
        // Buttons always read the file again; leaving the path field only when it changed.
        let mut reload = false;
        let mut left_field = false;
        egui::Grid::new("batch-files")
            .num_columns(2)
            .spacing(theme::DIALOG_GRID_SPACING)
            .show(ui, |ui| {
                let l = ui.label("CSV file");
                ui.horizontal(|ui| {
                    let edit = ui
                        .add(
                            egui::TextEdit::singleline(&mut self.csv_path)
                                .id(egui::Id::unique("passmith-batch-csv"))
                                .desired_width(theme::BATCH_PATH_WIDTH)
                                .hint_text("customers.csv"),
                        )
                        .labelled_by(l.id);
                    left_field = edit.lost_focus();
                    if ui
                        .button("Choose…")
                        .on_hover_text("Pick the CSV file")
                        .accessible_name("Choose CSV file…")
                        .clicked()
                        && let Some(path) = dialogs.pick(&DialogRequest::BatchCsv)
                    {
                        self.csv_path = path.display().to_string();
                        reload = true;
                    }
                    if ui
                        .add_enabled(
                            !self.csv_path.trim().is_empty(),
                            egui::Button::new("Reload"),
                        )
                        .on_hover_text("Read the CSV again after changing it")
                        .accessible_name("Reload CSV")
                        .clicked()
                    {
                        reload = true;
                    }
                });
                ui.end_row();

                let l = ui.label("Output folder");
                ui.horizontal(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut self.out_dir)
                            .id(egui::Id::unique("passmith-batch-out"))
                            .desired_width(theme::BATCH_PATH_WIDTH)
                            .hint_text("where the .pkpass files go"),
                    )
                    .labelled_by(l.id);
                    if ui
                        .button("Choose…")
                        .on_hover_text("Pick the folder the passes go into")
                        .accessible_name("Choose output folder…")
                        .clicked()
                        && let Some(path) = dialogs.pick(&DialogRequest::BatchOutputFolder)
                    {
                        self.out_dir = path.display().to_string();
                    }
                });
                ui.end_row();
            });
        let changed = self
            .loaded
            .as_ref()
            .is_none_or(|l| l.path != Path::new(self.csv_path.trim()));
        if (reload || (left_field && changed)) && self.running.is_none() {
            self.load(doc, version);
        }
    }

    /// Which column fills what, with missing placeholders and unused columns marked.
    fn mapping_ui(&self, ui: &mut egui::Ui) {
        let Some(loaded) = &self.loaded else {
            return;
        };
        ui.label(egui::RichText::new("What each column fills").strong());
        egui::ScrollArea::vertical()
            .id_salt("batch-mapping")
            .max_height(theme::BATCH_LIST_HEIGHT)
            .show(ui, |ui| {
                egui::Grid::new("batch-mapping-grid")
                    .num_columns(2)
                    .striped(true)
                    .spacing(theme::DIALOG_GRID_SPACING)
                    .show(ui, |ui| {
                        for column in &loaded.columns {
                            let name = if column.optional {
                                format!("{} (may be empty)", column.name)
                            } else {
                                column.name.clone()
                            };
                            ui.label(egui::RichText::new(name).monospace());
                            if column.uses.is_empty() {
                                ui.colored_label(
                                    ui.visuals().warn_fg_color,
                                    "Not used by the design (still listed in manifest.csv)",
                                );
                            } else {
                                ui.label(column.uses.join("; "));
                            }
                            ui.end_row();
                        }
                    });
            });
        for missing in &loaded.missing {
            ui.colored_label(ui.visuals().error_fg_color, missing);
        }
        ui.label(&loaded.serials);
    }

    /// Stepping the preview through the rows.
    fn rows_ui(&mut self, ui: &mut egui::Ui) {
        let Some(loaded) = &self.loaded else {
            return;
        };
        if loaded.plan.is_err() {
            if let Err(reason) = &loaded.plan {
                ui.colored_label(ui.visuals().error_fg_color, reason);
            }
            return;
        }
        let total = loaded.table.rows.len();
        ui.horizontal(|ui| {
            ui.checkbox(&mut self.show_in_preview, "Show the row in the preview");
            ui.separator();
            if ui
                .add_enabled(self.row > 0, egui::Button::new("Previous row"))
                .clicked()
            {
                self.row -= 1;
                self.show_in_preview = true;
            }
            let l = ui.label("Row");
            let mut number = self.row + 1;
            if ui
                .add(egui::DragValue::new(&mut number).range(1..=total.max(1)))
                .labelled_by(l.id)
                .changed()
            {
                self.row = number.saturating_sub(1);
                self.show_in_preview = true;
            }
            ui.label(format!("of {total}"));
            if ui
                .add_enabled(self.row + 1 < total, egui::Button::new("Next row"))
                .clicked()
            {
                self.row += 1;
                self.show_in_preview = true;
            }
        });
        let Some(preview) = &self.row_preview else {
            return;
        };
        match &preview.made {
            Ok(p) => {
                ui.label(format!("Serial {}, file {}", p.serial, p.file));
                for f in &preview.errors {
                    ui.colored_label(
                        theme::severity_color(ui.visuals(), f.severity),
                        format!(
                            "{} {} {}",
                            widgets::severity_icon(f.severity),
                            f.message,
                            f.hint
                        ),
                    );
                }
            }
            Err(failure) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("This row will fail: {failure}"),
                );
            }
        }
    }

    /// The options, Run, and the progress of a run.
    fn run_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        if let Some(running) = &self.running {
            let progress = *running
                .progress
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let (done, fraction, text) = match progress {
                Some(p) => (
                    p.done,
                    p.done as f32 / p.total.max(1) as f32,
                    progress_words(&p),
                ),
                None => (0, 0.0, format!("Starting {} passes…", running.total)),
            };
            ui.add(egui::ProgressBar::new(fraction).text(text).animate(true));
            let stopping = running.cancel.load(Ordering::Relaxed);
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!stopping, egui::Button::new("Cancel"))
                    .on_hover_text(
                        "Stop after the passes being written; the rest can be finished later",
                    )
                    .clicked()
                {
                    self.cancel();
                }
                if stopping {
                    ui.label(format!("Stopping after {done} passes…"));
                }
            });
            return;
        }
        ui.horizontal(|ui| {
            ui.checkbox(&mut self.bundle, "Also make .pkpasses bundles of 10");
            ui.checkbox(&mut self.resume, "Skip passes already in the folder");
        });
        let rows = self
            .loaded
            .as_ref()
            .filter(|l| l.plan.is_ok())
            .map(|l| l.table.rows.len());
        let ready = rows.is_some() && !self.out_dir.trim().is_empty();
        let label = match rows {
            Some(1) => "Make 1 pass".to_owned(),
            Some(n) => format!("Make {n} passes"),
            None => "Make passes".to_owned(),
        };
        if ui
            .add_enabled(ready, egui::Button::new(label))
            .on_hover_text("Sign every row into the output folder, with the signing identity")
            .on_disabled_hover_text("Choose a CSV that fits the design and an output folder first")
            .clicked()
        {
            commands.push(Command::BatchRun);
        }
    }

    /// What the last run did, the rows that failed, and "Open folder".
    fn finished_ui(
        &mut self,
        ui: &mut egui::Ui,
        dialogs: &mut dyn FileDialogs,
        commands: &mut Vec<Command>,
    ) {
        let Some(finished) = &self.finished else {
            return;
        };
        ui.add_space(theme::SPACE_M);
        let report = match &finished.result {
            Ok(report) => report,
            Err(reason) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    egui::RichText::new("The batch could not start").strong(),
                );
                ui.label(format!("Nothing was written: {reason}"));
                return;
            }
        };
        let written = report.written.len();
        let resumed = report.written.iter().filter(|w| w.resumed).count();
        let title = format!(
            "{written} {} written, {} failed",
            if written == 1 { "pass" } else { "passes" },
            report.failed.len()
        );
        let color = if report.failed.is_empty() && !report.cancelled {
            ui.visuals().text_color()
        } else {
            ui.visuals().warn_fg_color
        };
        ui.colored_label(color, egui::RichText::new(title).strong());
        let mut detail = format!(
            "In {} seconds ({:.0} passes/s), into {}.",
            format_seconds(report.seconds),
            report.passes_per_second,
            finished.out_dir.display()
        );
        if resumed > 0 {
            detail.push_str(&format!(" {resumed} were already there and were kept."));
        }
        ui.label(detail);
        if report.cancelled {
            ui.label(
                "Stopped before the end. Tick “Skip passes already in the folder” and run again to finish.",
            );
        }
        if !report.failed.is_empty() {
            ui.label("These rows were not written; fix them in the CSV and run again:");
            egui::ScrollArea::vertical()
                .id_salt("batch-failed")
                .max_height(theme::BATCH_LIST_HEIGHT)
                .show(ui, |ui| {
                    for failure in &report.failed {
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            format!("Row {}, {failure}", failure.row),
                        );
                    }
                });
        }
        if !report.warnings.is_empty() {
            ui.label("Every pass has these warnings:");
            for f in &report.warnings {
                ui.colored_label(
                    theme::severity_color(ui.visuals(), f.severity),
                    format!("{} {}", widgets::severity_icon(f.severity), f.message),
                );
            }
        }
        let out_dir = finished.out_dir.clone();
        let manifest = report.manifest.clone();
        let mut note = None;
        ui.horizontal(|ui| {
            if ui
                .button("Open folder")
                .on_hover_text("Show the passes in the file manager")
                .clicked()
                && let Err(e) = dialogs.show_folder(&out_dir)
            {
                note = Some(format!("Could not open {}: {e}", out_dir.display()));
            }
            if !report.written.is_empty()
                && ui
                    .button("Send by e-mail…")
                    .on_hover_text("E-mail each pass to the address in its row")
                    .clicked()
            {
                commands.push(Command::SendManifestByEmail(manifest));
            }
        });
        if let Some(note) = note {
            ui.colored_label(ui.visuals().error_fg_color, note);
        }
    }
}

impl Loaded {
    /// Builds the mapping and the plan of this table against `doc`.
    fn check(&mut self, doc: &PassDocument, version: u64, generation: u64) {
        self.design_version = version;
        self.generation = generation;
        let names: Vec<String> = self.table.columns.iter().map(|c| c.name.clone()).collect();
        let template = match Template::from_document(doc) {
            Ok(t) => t,
            Err(e) => {
                self.plan = Err(format!("The design cannot be used as a template: {e}"));
                return;
            }
        };
        let mapping = template.mapping(&names);
        let pass_json = serde_json::to_value(&doc.pass).unwrap_or_default();
        self.columns = column_rows(&mapping, &self.table, &pass_json);
        self.missing = mapping
            .missing
            .iter()
            .map(|(name, place)| {
                format!(
                    "{{{{{name}}}}} in {} has no column: add a column “{name}” to the CSV, or change the placeholder",
                    place_words(place, &pass_json)
                )
            })
            .collect();
        self.serials = serial_words(&mapping, template.serial());
        let image_dir = self
            .path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_owned);
        self.plan = Plan::new(template, self.table.clone(), &image_dir)
            .map(Arc::new)
            .map_err(|e| format!("The batch cannot start: {e}"));
    }
}

fn column_rows(mapping: &Mapping, table: &Table, pass_json: &serde_json::Value) -> Vec<ColumnRow> {
    mapping
        .columns
        .iter()
        .map(|(name, uses)| ColumnRow {
            name: name.clone(),
            optional: table.columns.iter().any(|c| &c.name == name && c.optional),
            uses: uses.iter().map(|u| use_words(u, name, pass_json)).collect(),
        })
        .collect()
}

fn use_words(u: &Use, column: &str, pass_json: &serde_json::Value) -> String {
    match u {
        Use::Placeholder(places) => {
            let places: Vec<String> = places.iter().map(|p| place_words(p, pass_json)).collect();
            format!("{{{{{column}}}}} in {}", places.join(", "))
        }
        Use::Field { number: true, .. } => format!("the value of field “{column}” (a number)"),
        Use::Field { .. } => format!("the value of field “{column}”"),
        Use::Serial => "the serial number".to_owned(),
        Use::Image { file } => format!("the image {file}, a file named in each row"),
    }
}

/// Where a placeholder is, in words a designer uses: "the primary field “member” value".
pub fn place_words(place: &Place, pass_json: &serde_json::Value) -> String {
    let pointer = match place {
        Place::Strings { lang, key } => return format!("the {lang} translation of “{key}”"),
        Place::PassJson(pointer) => pointer,
    };
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    let group_words = |group: &str| match group {
        "headerFields" => Some("header"),
        "primaryFields" => Some("primary"),
        "secondaryFields" => Some("secondary"),
        "auxiliaryFields" => Some("auxiliary"),
        "backFields" => Some("back"),
        "additionalInfoFields" => Some("additional info"),
        _ => None,
    };
    let index = |s: &str| s.parse::<usize>().map_or(0, |i| i + 1);
    match parts.as_slice() {
        [style, group, i, prop] if group_words(group).is_some() => {
            let key = pass_json
                .pointer(&format!("/{style}/{group}/{i}/key"))
                .and_then(serde_json::Value::as_str)
                .unwrap_or("?");
            let what = match *prop {
                "value" => "value",
                "label" => "label",
                "attributedValue" => "value with links",
                "changeMessage" => "change message",
                other => other,
            };
            format!(
                "the {} field “{key}” {what}",
                group_words(group).unwrap_or("")
            )
        }
        ["barcodes", i, prop] => format!("barcode {} {}", index(i), barcode_words(prop)),
        ["barcode", prop] => format!("the barcode {}", barcode_words(prop)),
        ["locations", i, prop] => format!("location {} {prop}", index(i)),
        ["serialNumber"] => "the serial number".to_owned(),
        ["description"] => "the description".to_owned(),
        ["organizationName"] => "the organization name".to_owned(),
        ["logoText"] => "the logo text".to_owned(),
        ["relevantDate"] => "the relevant date".to_owned(),
        ["expirationDate"] => "the expiry date".to_owned(),
        _ => format!("pass.json {pointer}"),
    }
}

fn barcode_words(prop: &str) -> &str {
    match prop {
        "message" => "message",
        "altText" => "text under the code",
        other => other,
    }
}

fn serial_words(mapping: &Mapping, template_serial: &str) -> String {
    let from_column = mapping
        .columns
        .iter()
        .any(|(_, uses)| uses.contains(&Use::Serial));
    let from_placeholder = mapping.columns.iter().any(|(_, uses)| {
        uses.iter().any(|u| {
            matches!(u, Use::Placeholder(places)
                if places.contains(&Place::PassJson("/serialNumber".to_owned())))
        })
    });
    if from_column {
        "Serial numbers come from the serialNumber column.".to_owned()
    } else if from_placeholder {
        "Serial numbers come from the placeholder in the design's serial number.".to_owned()
    } else {
        format!(
            "No serialNumber column: serial numbers are made from the design's ({template_serial}-00001, {template_serial}-00002, …)."
        )
    }
}

/// "37 of 1000 · 412 passes/s · about 2 s left".
fn progress_words(p: &Progress) -> String {
    let mut text = format!("{} of {} · {:.0} passes/s", p.done, p.total, p.rate());
    if let Some(left) = p.remaining().filter(|_| p.done < p.total) {
        text.push_str(&format!(
            " · about {} left",
            format_duration(left.as_secs_f64())
        ));
    }
    text
}

fn format_seconds(seconds: f64) -> String {
    format!("{seconds:.1}")
}

fn format_duration(seconds: f64) -> String {
    let whole = seconds.ceil() as u64;
    if whole < 60 {
        format!("{whole} s")
    } else {
        format!("{} min {} s", whole / 60, whole % 60)
    }
}

/// `customers passes/` beside `customers.csv`.
fn suggested_out_dir(csv: &Path) -> PathBuf {
    let stem = csv
        .file_stem()
        .map_or_else(|| "batch".into(), |s| s.to_string_lossy().into_owned());
    csv.with_file_name(format!("{stem} passes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_read_as_words() {
        let json = serde_json::json!({
            "storeCard": { "primaryFields": [ { "key": "balance", "value": "{{points}}" } ] }
        });
        assert_eq!(
            place_words(
                &Place::PassJson("/storeCard/primaryFields/0/value".into()),
                &json
            ),
            "the primary field “balance” value"
        );
        assert_eq!(
            place_words(&Place::PassJson("/barcodes/0/message".into()), &json),
            "barcode 1 message"
        );
        assert_eq!(
            place_words(&Place::PassJson("/webServiceURL".into()), &json),
            "pass.json /webServiceURL"
        );
    }

    #[test]
    fn durations_and_folders() {
        assert_eq!(format_duration(1.2), "2 s");
        assert_eq!(format_duration(125.0), "2 min 5 s");
        assert_eq!(
            suggested_out_dir(Path::new("/tmp/members.csv")),
            PathBuf::from("/tmp/members passes")
        );
    }
}
