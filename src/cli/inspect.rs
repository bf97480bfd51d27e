//! `passmith inspect <PKPASS> [--json]`: what is inside a `.pkpass` — who signed it, whether the
//! signature and manifest hold, which Apple intermediate it carries, its files and its findings.
//!
//! Exit codes as everywhere: 0 readable and no errors, 1 the pass has errors (a broken signature
//! or manifest, a signer that does not match pass.json, validation errors), 2 unreadable input.

use std::io::Write;
use std::path::{Path, PathBuf};

use passmith_core::archive::{self, ManifestStatus, Opened, PackageReport, SignatureStatus};
use passmith_core::identity::format_unix_date;
use passmith_core::validate::load_error_finding;
use passmith_core::{Finding, IdentitySummary, ValidationContext, validate};
use serde_json::json;

use super::{EXIT_FAILED, EXIT_OK, EXIT_UNREADABLE};

/// Arguments of `passmith inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The signed .pkpass to look into (a .pass folder works too; it is simply not signed).
    pub pkpass: PathBuf,
    /// Print one JSON object: pass, identity, signature, manifest, intermediate, files, findings.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    // The one clock reading of this command.
    let now = passmith_core::time::now_unix();
    let opened = match archive::open_path(&args.pkpass, now) {
        Ok(o) => o,
        Err(err) => {
            match load_error_finding(&err) {
                Some(f) => eprintln!(
                    "error: {}: {}: {}",
                    args.pkpass.display(),
                    f.path,
                    f.message
                ),
                None => eprintln!("error: cannot read {}: {err}", args.pkpass.display()),
            }
            return Ok(EXIT_UNREADABLE);
        }
    };
    let mut findings = Vec::new();
    if let Some(report) = &opened.package {
        findings.extend(report.findings());
    }
    findings.extend(validate(&opened.document, &ValidationContext::at(now)));

    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &to_json(&args.pkpass, &opened, &findings))?;
        writeln!(out)?;
    } else {
        write_text(&mut out, &args.pkpass, &opened, &findings)?;
    }
    Ok(if findings.iter().any(Finding::is_error) {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
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
