//! `passmith inspect <PKPASS> [--json]`: what is inside a `.pkpass` — who signed it, whether the
//! signature and manifest hold, which Apple intermediate it carries, its files and its findings.
//! For a `.pkpasses` bundle, the same for each pass in it.
//!
//! Exit codes as everywhere: 0 readable and no errors, 1 the pass has errors (a broken signature
//! or manifest, a signer that does not match pass.json, validation errors), 2 unreadable input.
//! For a bundle, the worst code of its passes.

use std::io::Write;
use std::path::{Path, PathBuf};

use passmith_core::archive::{ManifestStatus, Opened, PackageReport, SignatureStatus};
use passmith_core::bundle::{self, Bundle, Contents};
use passmith_core::identity::format_unix_date;
use passmith_core::validate::load_error_finding;
use passmith_core::{Finding, IdentitySummary};
use serde_json::json;

use super::validate::exit_code;
use super::{EXIT_OK, EXIT_UNREADABLE};

/// Arguments of `passmith inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The signed .pkpass to look into (a .pkpasses bundle shows each of its passes; a .pass
    /// folder works too, it is simply not signed).
    pub pkpass: PathBuf,
    /// Print one JSON object: pass, identity, signature, manifest, intermediate, files, findings.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    // The one clock reading of this command.
    let now = passmith_core::time::now_unix();
    let contents = match bundle::open_path(&args.pkpass, now) {
        Ok(c) => c,
        Err(err) => {
            eprintln!(
                "error: {}",
                unreadable(&args.pkpass.display().to_string(), &err)
            );
            return Ok(load_error_code(&err));
        }
    };
    let mut out = std::io::stdout().lock();
    let bundle = match contents {
        Contents::Pass(opened) => {
            let findings = super::validate::findings(&opened, now);
            if args.json {
                serde_json::to_writer_pretty(&mut out, &to_json(&args.pkpass, &opened, &findings))?;
                writeln!(out)?;
            } else {
                write_text(&mut out, &args.pkpass, &opened, &findings)?;
            }
            return Ok(exit_code(&findings));
        }
        Contents::Bundle(bundle) => bundle,
    };
    let Bundle { passes, ignored } = bundle;
    let mut code = EXIT_OK;
    let mut json_passes = Vec::new();
    if !args.json {
        writeln!(
            out,
            "Bundle:       {}, {} passes",
            args.pkpass.display(),
            passes.len()
        )?;
        if !ignored.is_empty() {
            writeln!(
                out,
                "Not passes:   {} (Wallet ignores them)",
                ignored.join(", ")
            )?;
        }
    }
    for (i, p) in passes.iter().enumerate() {
        let path = args.pkpass.join(&p.name);
        if !args.json {
            writeln!(
                out,
                "\n== Pass {} of {}: {} ==",
                i + 1,
                passes.len(),
                p.name
            )?;
        }
        match &p.pass {
            Ok(opened) => {
                let findings = super::validate::findings(opened, now);
                code = code.max(exit_code(&findings));
                if args.json {
                    json_passes.push(to_json(Path::new(&p.name), opened, &findings));
                } else {
                    write_text(&mut out, &path, opened, &findings)?;
                }
            }
            Err(err) => {
                code = code.max(load_error_code(err));
                let message = unreadable(&p.name, err);
                if args.json {
                    json_passes.push(json!({"file": p.name, "error": message}));
                } else {
                    writeln!(out, "Cannot be read: {message}")?;
                }
            }
        }
    }
    if args.json {
        let report = json!({
            "file": args.pkpass.display().to_string(),
            "bundle": true,
            "passes": json_passes,
            "ignored": ignored,
        });
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    }
    Ok(code)
}

/// The exit code for a pass that did not open: 1 when the problem is a finding in the pass
/// (a pass.json that is not JSON), as `validate` reports it; 2 when it cannot be read at all.
fn load_error_code(err: &passmith_core::Error) -> u8 {
    if load_error_finding(err).is_some() {
        super::EXIT_FAILED
    } else {
        EXIT_UNREADABLE
    }
}

/// Why `name` cannot be read, in the words of the finding when there is one.
fn unreadable(name: &str, err: &passmith_core::Error) -> String {
    match load_error_finding(err) {
        Some(f) => format!("{name}: {}: {}", f.path, f.message),
        None => format!("cannot read {name}: {err}"),
    }
}

fn signer(report: Option<&PackageReport>) -> Option<&IdentitySummary> {
    match report.map(|r| &r.signature) {
        Some(SignatureStatus::Valid { signer, .. }) => Some(signer),
        _ => None,
    }
}

fn to_json(path: &Path, opened: &Opened, findings: &[Finding]) -> serde_json::Value {
    let pass = &opened.document.pass;
    let report = opened.package.as_ref();
    json!({
        "file": path.display().to_string(),
        "pass": {
            "passTypeIdentifier": pass.pass_type_identifier,
            "teamIdentifier": pass.team_identifier,
            "serialNumber": pass.serial_number,
            "description": pass.description,
            "style": pass.style().map(|s| s.key()),
        },
        "signed": report.is_some(),
        "identity": signer(report),
        "signature": report.map(|r| &r.signature),
        "manifest": report.map(|r| &r.manifest),
        "intermediate": report.and_then(|r| r.intermediate.as_ref()),
        "files": files(opened).iter().map(|(n, s)| json!({"name": n, "size": s})).collect::<Vec<_>>(),
        "findings": findings,
    })
}

/// Entries with sizes: the archive's own list for a .pkpass, the document's files for a folder.
fn files(opened: &Opened) -> Vec<(String, u64)> {
    match &opened.package {
        Some(r) => r.files.clone(),
        None => opened
            .document
            .to_files()
            .map(|f| f.into_iter().map(|(n, b)| (n, b.len() as u64)).collect())
            .unwrap_or_default(),
    }
}

fn write_text(
    out: &mut impl Write,
    path: &Path,
    opened: &Opened,
    findings: &[Finding],
) -> std::io::Result<()> {
    let pass = &opened.document.pass;
    writeln!(out, "File:         {}", path.display())?;
    writeln!(
        out,
        "Pass:         {} ({}), serial {}",
        if pass.description.is_empty() {
            "(no description)"
        } else {
            &pass.description
        },
        pass.style().map(|s| s.label()).unwrap_or("no style"),
        pass.serial_number
    )?;
    writeln!(
        out,
        "              passTypeIdentifier {}, teamIdentifier {}",
        pass.pass_type_identifier, pass.team_identifier
    )?;
    match &opened.package {
        None => writeln!(out, "Signature:    none — this is an unsigned pass folder")?,
        Some(report) => {
            match &report.signature {
                SignatureStatus::Valid {
                    signer,
                    signing_time,
                } => {
                    writeln!(out, "Signature:    valid")?;
                    writeln!(out, "Signed by:    {}", signer.subject)?;
                    writeln!(
                        out,
                        "              pass type {}, team {}, certificate valid {} to {}",
                        signer.pass_type_identifier.as_deref().unwrap_or("?"),
                        signer.team_identifier.as_deref().unwrap_or("?"),
                        format_unix_date(signer.not_before),
                        format_unix_date(signer.not_after)
                    )?;
                    if let Some(t) = signing_time {
                        writeln!(out, "Signed at:    {t}")?;
                    }
                }
                SignatureStatus::Invalid { reason } => {
                    writeln!(out, "Signature:    INVALID — {reason}")?
                }
                SignatureStatus::Missing => writeln!(out, "Signature:    MISSING")?,
            }
            match &report.intermediate {
                Some(i) => writeln!(
                    out,
                    "Intermediate: WWDR {}{}, {} {} (serial {})\n              {}",
                    i.generation,
                    if i.is_apple {
                        " (Apple)"
                    } else {
                        " (not Apple's)"
                    },
                    if i.expired {
                        "EXPIRED on"
                    } else {
                        "valid until"
                    },
                    i.not_after,
                    i.serial,
                    i.subject
                )?,
                None => writeln!(out, "Intermediate: none included")?,
            }
            match &report.manifest {
                ManifestStatus::Matches => writeln!(out, "Manifest:     matches all files")?,
                ManifestStatus::Missing => writeln!(out, "Manifest:     MISSING")?,
                ManifestStatus::Unreadable { reason } => {
                    writeln!(out, "Manifest:     UNREADABLE — {reason}")?
                }
                ManifestStatus::Mismatch {
                    differing,
                    missing_from_manifest,
                    missing_files,
                } => {
                    writeln!(out, "Manifest:     DOES NOT MATCH")?;
                    for (label, names) in [
                        ("changed after signing", differing),
                        ("not in the manifest", missing_from_manifest),
                        ("listed but missing", missing_files),
                    ] {
                        if !names.is_empty() {
                            writeln!(out, "              {label}: {}", names.join(", "))?;
                        }
                    }
                }
            }
        }
    }
    let files = files(opened);
    writeln!(out, "Files:        {}", files.len())?;
    for (name, size) in &files {
        writeln!(out, "  {size:>10}  {name}")?;
    }
    writeln!(out)?;
    super::validate::write_report(out, &path.display().to_string(), findings)
}
