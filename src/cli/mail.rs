//! `passmith mail OUT/manifest.csv --to-column email --subject "Your pass, {{name}}" --body
//! body.txt --from "Name <addr>"`: e-mails each pass of a batch to its row's address (see
//! `passmith::mail`). The SMTP password comes from `PASSMITH_SMTP_PASSWORD` or
//! `--smtp-password-file`, never from a flag or the settings file. Every message is recorded
//! in `mail-log.jsonl` next to the manifest, so running the same command again after an
//! interruption sends only what was not sent.
//!
//! Exit codes: 0 every message sent (or already sent by an earlier run), 1 some failed, were
//! left unconfirmed by an interrupted run, or the run was interrupted, 2 nothing could start
//! (an input cannot be read, a placeholder or a line is wrong, the server cannot be reached).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use passmith::mail::{
    self, Deliver, EmlFolder, LOG_NAME, Letter, Manifest, Report, Retry, Security, SendLog,
    SendOptions, Smtp, SmtpSettings,
};
use serde::Deserialize;

use super::{EXIT_FAILED, EXIT_OK, EXIT_UNREADABLE};

/// Arguments of `passmith mail`. Every setting except the manifest, --dry-run and --json can
/// also come from the --settings file; a flag (or its environment variable, for the server and
/// the sender) wins over the file.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The manifest.csv that passmith batch wrote (the passes are in its folder).
    pub manifest: PathBuf,
    /// A TOML file with any of the settings below, named like the flags (smtp-host = "…").
    #[arg(long)]
    pub settings: Option<PathBuf>,
    /// Take every setting not given by a flag or --settings from the designer's (File ▸ E-mail
    /// settings… and the send window's subject and messages). The password still comes only
    /// from PASSMITH_SMTP_PASSWORD or --smtp-password-file.
    #[arg(long)]
    pub designer_settings: bool,
    /// The manifest column holding each recipient's address [default: email].
    #[arg(long)]
    pub to_column: Option<String>,
    /// The subject; {{column}} placeholders are filled from the row.
    #[arg(long)]
    pub subject: Option<String>,
    /// The plain-text body template (UTF-8 file).
    #[arg(long)]
    pub body: Option<PathBuf>,
    /// An HTML body template (UTF-8 file), sent beside the text; values are HTML-escaped.
    #[arg(long)]
    pub html: Option<PathBuf>,
    /// The sender, "Name <address>" or an address.
    #[arg(long, env = "PASSMITH_MAIL_FROM")]
    pub from: Option<String>,
    /// Where replies go, if not to --from.
    #[arg(long)]
    pub reply_to: Option<String>,
    /// The SMTP server.
    #[arg(long, env = "PASSMITH_SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// Its port [default: 587 for starttls, 465 for tls, 25 for none].
    #[arg(long, env = "PASSMITH_SMTP_PORT")]
    pub smtp_port: Option<u16>,
    /// How the connection is secured [default: starttls].
    #[arg(long, value_enum, env = "PASSMITH_SMTP_SECURITY")]
    pub smtp_security: Option<Security>,
    /// The login user; the password comes from PASSMITH_SMTP_PASSWORD or --smtp-password-file.
    #[arg(long, env = "PASSMITH_SMTP_USER")]
    pub smtp_user: Option<String>,
    /// A file whose first line is the SMTP password.
    #[arg(long)]
    pub smtp_password_file: Option<PathBuf>,
    /// A PEM file of CA certificates to trust besides the system's, for a server whose
    /// certificate a company's own CA signed.
    #[arg(long, value_name = "PEM", env = "PASSMITH_SMTP_CA_FILE")]
    pub smtp_ca_file: Option<PathBuf>,
    /// At most this many messages per minute (0 = no limit) [default: 0].
    #[arg(long)]
    pub rate: Option<u32>,
    /// Messages sent at the same time, each over its own connection [default: 4].
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// Also send the messages an interrupted run may or may not have sent (see the send log).
    #[arg(long)]
    pub resend_unconfirmed: bool,
    /// Write one .eml file per message into this folder instead of sending anything.
    #[arg(long, value_name = "DIR")]
    pub dry_run: Option<PathBuf>,
    /// Print a JSON summary on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The settings file: the flags' names as keys. The password is not one of them.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Settings {
    to_column: Option<String>,
    subject: Option<String>,
    body: Option<PathBuf>,
    html: Option<PathBuf>,
    from: Option<String>,
    reply_to: Option<String>,
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_security: Option<Security>,
    smtp_user: Option<String>,
    smtp_password_file: Option<PathBuf>,
    smtp_ca_file: Option<PathBuf>,
    rate: Option<u32>,
    concurrency: Option<usize>,
}

/// Why the run could not start: the message, exit 2.
struct Stop(String);

impl<E: std::fmt::Display> From<E> for Stop {
    fn from(e: E) -> Stop {
        Stop(e.to_string())
    }
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    match mail_run(&args) {
        Ok(code) => Ok(code),
        Err(Stop(message)) => {
            if args.json {
                println!("{}", serde_json::json!({ "error": message, "sent": 0 }));
            }
            eprintln!("error: {message}");
            Ok(EXIT_UNREADABLE)
        }
    }
}

fn read_settings(path: &Path) -> Result<Settings, Stop> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Stop(format!(
            "cannot read the settings file {}: {e}",
            path.display()
        ))
    })?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        Stop(format!(
            "the settings file {} is not TOML: {e}",
            path.display()
        ))
    })?;
    if table.contains_key("smtp-password") || table.contains_key("password") {
        return Err(Stop(format!(
            "{} holds a password; remove it: the password is read only from PASSMITH_SMTP_PASSWORD or the file named by smtp-password-file",
            path.display()
        )));
    }
    let mut settings: Settings = toml::from_str(&text)
        .map_err(|e| Stop(format!("the settings file {}: {e}", path.display())))?;
    // Files named in the settings file are relative to it.
    let base = path.parent().unwrap_or(Path::new("."));
    for p in [
        &mut settings.body,
        &mut settings.html,
        &mut settings.smtp_password_file,
        &mut settings.smtp_ca_file,
    ]
    .into_iter()
    .flatten()
    {
        if p.is_relative() {
            *p = base.join(&*p);
        }
    }
    Ok(settings)
}

fn read_text(what: &str, path: &Path) -> Result<String, Stop> {
    std::fs::read_to_string(path)
        .map_err(|e| Stop(format!("cannot read {what} {}: {e}", path.display())))
}

/// The SMTP password: the first line of `file`, else `PASSMITH_SMTP_PASSWORD`.
fn password(file: Option<&Path>) -> Result<String, Stop> {
    if let Some(path) = file {
        let text = read_text("the SMTP password file", path)?;
        let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
        if line.is_empty() {
            return Err(Stop(format!(
                "the SMTP password file {} is empty",
                path.display()
            )));
        }
        return Ok(line.to_owned());
    }
    match std::env::var("PASSMITH_SMTP_PASSWORD") {
        Ok(p) if !p.is_empty() => Ok(p),
        _ => Err(Stop(
            "--smtp-user is set but there is no password: set PASSMITH_SMTP_PASSWORD or pass --smtp-password-file FILE"
                .into(),
        )),
    }
}

/// The designer's e-mail settings, when asked for with --designer-settings.
fn designer(args: &Args) -> Result<Option<passmith::app::settings::MailSettings>, Stop> {
    if !args.designer_settings {
        return Ok(None);
    }
    match passmith::app::settings::Settings::read_stored().map_err(Stop)? {
        Some(s) => Ok(Some(s.mail)),
        None => Err(Stop(
            "--designer-settings: the designer has not saved any settings on this computer yet; set them in the designer (File ▸ E-mail settings…) and close it, or pass the flags"
                .into(),
        )),
    }
}

/// A designer text setting, `None` when empty.
fn given(text: &str) -> Option<String> {
    Some(text.trim())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

fn mail_run(args: &Args) -> Result<u8, Stop> {
    let mut settings = match &args.settings {
        Some(path) => read_settings(path)?,
        None => Settings::default(),
    };
    let designer = designer(args)?;
    // Flags win over the settings file, which wins over the designer.
    let mut body_text = None;
    let mut html_text = None;
    if let Some(d) = &designer {
        let fill = |slot: &mut Option<String>, value: &str| {
            if slot.is_none() {
                *slot = given(value);
            }
        };
        fill(&mut settings.to_column, &d.to_column);
        fill(&mut settings.subject, &d.subject);
        fill(&mut settings.from, &d.from);
        fill(&mut settings.reply_to, &d.reply_to);
        fill(&mut settings.smtp_host, &d.smtp_host);
        fill(&mut settings.smtp_user, &d.smtp_user);
        if settings.smtp_ca_file.is_none() {
            settings.smtp_ca_file = given(&d.ca_file).map(PathBuf::from);
        }
        settings.smtp_security = settings.smtp_security.or(Some(d.security));
        settings.smtp_port = settings.smtp_port.or(Some(d.smtp_port));
        settings.rate = settings.rate.or(Some(d.per_minute));
        settings.concurrency = settings.concurrency.or(Some(d.concurrency));
        body_text = given(&d.body).map(|_| d.body.clone());
        html_text = given(&d.html_body).map(|_| d.html_body.clone());
    }
    let to_column = args
        .to_column
        .clone()
        .or(settings.to_column)
        .unwrap_or_else(|| "email".to_owned());
    let subject = args
        .subject
        .clone()
        .or(settings.subject)
        .ok_or_else(|| Stop("no subject: pass --subject \"Your pass, {{name}}\"".into()))?;
    let body = match args.body.clone().or(settings.body) {
        Some(path) => read_text("the body", &path)?,
        None => body_text
            .ok_or_else(|| Stop("no body: pass --body body.txt (a UTF-8 text file)".into()))?,
    };
    let html = match args.html.clone().or(settings.html) {
        Some(path) => Some(read_text("the HTML body", &path)?),
        None => html_text,
    };
    let from = args
        .from
        .clone()
        .or(settings.from)
        .ok_or_else(|| Stop("no sender: pass --from \"Name <address>\"".into()))?;
    let reply_to = args.reply_to.clone().or(settings.reply_to);
    let letter = Letter::new(
        &from,
        reply_to.as_deref(),
        &to_column,
        &subject,
        &body,
        html.as_deref(),
    )?;
    let manifest = Manifest::read(&args.manifest)?;
    let prepared = mail::prepare(&manifest, &letter)?;
    let opts = SendOptions {
        concurrency: args
            .concurrency
            .or(settings.concurrency)
            .unwrap_or(4)
            .max(1),
        per_minute: args.rate.or(settings.rate).unwrap_or(0),
        retry: Retry::default(),
        resend_unconfirmed: args.resend_unconfirmed,
    };

    // Where the messages go: a folder of .eml files, or the SMTP server (checked first).
    let (deliver, log): (Box<dyn Deliver>, Option<SendLog>) = match &args.dry_run {
        Some(dir) => (Box::new(EmlFolder::new(dir)?), None),
        None => {
            let host = args
                .smtp_host
                .clone()
                .or(settings.smtp_host)
                .ok_or_else(|| {
                    Stop(
                        "no SMTP server: pass --smtp-host (or --dry-run DIR to write .eml files)"
                            .into(),
                    )
                })?;
            let security = args
                .smtp_security
                .or(settings.smtp_security)
                .unwrap_or_default();
            let user = args.smtp_user.clone().or(settings.smtp_user);
            let login = match user {
                Some(user) => {
                    let file = args
                        .smtp_password_file
                        .clone()
                        .or(settings.smtp_password_file);
                    Some((user, password(file.as_deref())?))
                }
                None => None,
            };
            let ca_file = args.smtp_ca_file.clone().or(settings.smtp_ca_file);
            if ca_file.is_some() && security == Security::None {
                return Err(Stop(
                    "--smtp-ca-file is for a secured connection, but --smtp-security is none; use starttls or tls, or leave the CA file out"
                        .into(),
                ));
            }
            let smtp_settings = SmtpSettings {
                host,
                port: args
                    .smtp_port
                    .or(settings.smtp_port)
                    .unwrap_or(security.default_port()),
                security,
                login,
                timeout: Duration::from_secs(60),
                ca_file,
            };
            let smtp = Smtp::new(&smtp_settings, opts.concurrency)?;
            smtp.check()?;
            let log = SendLog::open(&manifest.dir.join(LOG_NAME))?;
            if log.unreadable_lines > 0 {
                eprintln!(
                    "warning: {}: {} line(s) could not be read (cut short by a crash?) and were ignored",
                    log.path().display(),
                    log.unreadable_lines
                );
            }
            (Box::new(smtp), Some(log))
        }
    };

    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    // First Ctrl-C: finish the messages being sent, then stop. Second: stop at once (the
    // messages in flight are then left unconfirmed in the log).
    let _ = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    let bar = progress_bar(args.json, prepared.len());
    let report = mail::send_all(
        &manifest,
        &letter,
        &prepared,
        deliver.as_ref(),
        log.as_ref(),
        &opts,
        &cancel,
        &|p| {
            if let Some(bar) = &bar {
                bar.set_length(p.total as u64);
                bar.set_position(p.done as u64);
            }
        },
    );
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    print_report(args, &manifest, log.as_ref(), &report);
    Ok(
        if report.failed.is_empty()
            && report.unconfirmed.is_empty()
            && !report.cancelled
            && report.log_error.is_none()
        {
            EXIT_OK
        } else {
            EXIT_FAILED
        },
    )
}

fn progress_bar(json: bool, total: usize) -> Option<indicatif::ProgressBar> {
    if json || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    let style =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} messages  {eta} left")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

fn print_report(args: &Args, manifest: &Manifest, log: Option<&SendLog>, report: &Report) {
    let verb = if args.dry_run.is_some() {
        "Wrote"
    } else {
        "Sent"
    };
    if args.json {
        let summary = serde_json::json!({
            "sent": report.sent.len(),
            "already_sent": report.already_sent,
            "failed": report.failed,
            "unconfirmed": report.unconfirmed,
            "cancelled": report.cancelled,
            "log_error": report.log_error,
            "seconds": report.seconds,
            "per_minute": report.per_minute,
            "manifest": manifest.path,
            "log": log.map(|l| l.path()),
            "dry_run": args.dry_run,
            "messages": report.sent,
        });
        println!("{summary}");
        return;
    }
    let file = manifest.path.display();
    for f in &report.failed {
        eprintln!(
            "error: {file}: line {} (row {}), {}: {}",
            f.line, f.row, f.to, f.reason
        );
    }
    for u in &report.unconfirmed {
        eprintln!(
            "warning: {file}: line {} (row {}), {}: an earlier run stopped while sending it ({}), so it may or may not have arrived; it was not sent again. Check the server's log for Message-ID {}, then rerun with --resend-unconfirmed if it did not arrive",
            u.line,
            u.row,
            u.to,
            u.since,
            u.message_id.as_deref().unwrap_or("(none)")
        );
    }
    if let Some(e) = &report.log_error {
        eprintln!("error: {e}; stopped so that nothing is sent twice");
    }
    let mut line = format!(
        "{verb} {} message{} in {:.1} s",
        report.sent.len(),
        if report.sent.len() == 1 { "" } else { "s" },
        report.seconds
    );
    if let Some(dir) = &args.dry_run {
        line.push_str(&format!(
            " to {} (dry run, nothing was sent)",
            dir.display()
        ));
    }
    if report.already_sent > 0 {
        line.push_str(&format!(
            "; {} already sent by an earlier run were skipped",
            report.already_sent
        ));
    }
    if !report.failed.is_empty() {
        line.push_str(&format!("; {} failed, listed above", report.failed.len()));
    }
    if !report.unconfirmed.is_empty() {
        line.push_str(&format!(
            "; {} unconfirmed, listed above",
            report.unconfirmed.len()
        ));
    }
    match log {
        Some(log) => println!("{line}. Send log: {}", log.path().display()),
        None => println!("{line}."),
    }
    if report.cancelled && report.log_error.is_none() {
        println!("Stopped before the end. Run the same command again to send the rest.");
    }
}
