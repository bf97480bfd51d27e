//! `passmith validate <PASS> [--json]`: checks a `.pass` folder, a `.pkpass` or each pass of a
//! `.pkpasses` bundle, and lists what is wrong with it.
//!
//! Exit codes: 0 no errors (warnings allowed), 1 errors (including a pass.json that is not valid
//! JSON, reported with its line and column, and a `.pkpass` whose manifest or signature does not
//! hold), 2 the input cannot be read at all (no such path, not a pass, a damaged archive). For a
//! bundle, the worst code of its passes.

use std::io::Write;
use std::path::PathBuf;

use passmith_core::archive::Opened;
use passmith_core::bundle::{self, Bundle, Contents};
use passmith_core::validate::load_error_finding;
use passmith_core::{Finding, Severity, ValidationContext, validate};

use super::{EXIT_FAILED, EXIT_OK, EXIT_UNREADABLE};

/// Arguments of `passmith validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A pass folder (`Name.pass/` with a pass.json) or a signed `.pkpass` file.
    pub pass: PathBuf,
    /// Print the findings as a JSON array of {severity, code, path, message, hint}.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    let checked = match check(&args.pass) {
        Ok(checked) => checked,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(EXIT_UNREADABLE);
        }
    };
    let mut stdout = std::io::stdout().lock();
    let name = args.pass.display().to_string();
    match checked {
        Checked::Pass(findings) => {
            if args.json {
                serde_json::to_writer_pretty(&mut stdout, &findings)?;
                writeln!(stdout)?;
            } else {
                write_report(&mut stdout, &name, &findings)?;
            }
            Ok(exit_code(&findings))
        }
        Checked::Bundle(passes) => {
            if args.json {
                let passes: Vec<serde_json::Value> = passes
                    .iter()
                    .map(|(pass, result)| match result {
                        Ok(findings) => serde_json::json!({"pass": pass, "findings": findings}),
                        Err(error) => serde_json::json!({"pass": pass, "error": error}),
                    })
                    .collect();
                let report = serde_json::json!({"bundle": name, "passes": passes});
                serde_json::to_writer_pretty(&mut stdout, &report)?;
                writeln!(stdout)?;
            } else {
                writeln!(stdout, "{name}: a bundle of {} passes\n", passes.len())?;
                for (pass, result) in &passes {
                    writeln!(stdout, "== {name}/{pass} ==")?;
                    match result {
                        Ok(findings) => {
                            write_report(&mut stdout, &format!("{name}/{pass}"), findings)?
                        }
                        Err(error) => writeln!(stdout, "{name}/{pass}: cannot be read: {error}")?,
                    }
                    writeln!(stdout)?;
                }
            }
            Ok(passes
                .iter()
                .map(|(_, result)| match result {
                    Ok(findings) => exit_code(findings),
                    Err(_) => EXIT_UNREADABLE,
                })
                .max()
                .unwrap_or(EXIT_OK))
        }
    }
}

/// 1 when there are errors, else 0.
pub fn exit_code(findings: &[Finding]) -> u8 {
    if findings.iter().any(Finding::is_error) {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

/// What validating a path gave: the findings of one pass, or per pass of a bundle (by file name;
/// `Err` for a pass in it that cannot be read).
enum Checked {
    Pass(Vec<Finding>),
    Bundle(Vec<(String, Result<Vec<Finding>, String>)>),
}

/// Opens and validates a pass or bundle. `Err` (a message for the user) when the input cannot
/// be read at all; problems inside a pass — including a broken pass.json — are findings.
fn check(path: &std::path::Path) -> Result<Checked, String> {
    if !path.exists() {
        return Err(format!(
            "{} does not exist. Give the path of a pass folder (Name.pass), a .pkpass or a .pkpasses file.",
            path.display()
        ));
    }
    // `validate Name.pass/pass.json` means the folder around it.
    let path = match path.parent() {
        Some(dir) if path.is_file() && path.file_name().is_some_and(|n| n == "pass.json") => dir,
        _ => path,
    };
    // The one clock reading of this command.
    let now = passmith_core::time::now_unix();
    let unreadable = |err: passmith_core::Error| match load_error_finding(&err) {
        Some(finding) => Ok(vec![finding]),
        None => Err(err.to_string()),
    };
    match bundle::open_path(path, now) {
        Ok(Contents::Pass(opened)) => {
            // On stderr, so `--json` output stays one JSON document.
            for note in &opened.recovered {
                eprintln!("{}: {note}", path.display());
            }
            Ok(Checked::Pass(findings(&opened, now)))
        }
        Ok(Contents::Bundle(Bundle { passes, .. })) => Ok(Checked::Bundle(
            passes
                .into_iter()
                .map(|p| {
                    let result = p.pass.map(|o| findings(&o, now)).or_else(unreadable);
                    (p.name, result)
                })
                .collect(),
        )),
        Err(err) => unreadable(err)
            .map(Checked::Pass)
            .map_err(|e| format!("cannot read {}: {e}", path.display())),
    }
}

/// Everything wrong with an opened pass: its package (signature, manifest, signer) and its
/// document. The signer of an existing package is judged by the package report (an old pass
/// keeps working after its certificate expires), so the document is checked without it.
pub fn findings(opened: &Opened, now: i64) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(report) = &opened.package {
        findings.extend(report.findings());
    }
    findings.extend(validate(&opened.document, &ValidationContext::at(now)));
    findings
}

/// Writes findings for people: errors first, then warnings, then a summary line.
pub fn write_report(out: &mut impl Write, name: &str, findings: &[Finding]) -> std::io::Result<()> {
    let errors: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let warnings: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .collect();
    if findings.is_empty() {
        writeln!(out, "{name}: no problems found.")?;
    }
    for (title, group) in [
        ("Errors (must be fixed before export)", &errors),
        ("Warnings", &warnings),
    ] {
        if group.is_empty() {
            continue;
        }
        writeln!(out, "{title}:")?;
        for f in group.iter() {
            let place = if f.path.is_empty() {
                String::new()
            } else {
                format!("{}  ", f.path)
            };
            writeln!(out, "  {place}[{}]", f.code)?;
            writeln!(out, "    {}", f.message)?;
            if !f.hint.is_empty() {
                writeln!(out, "    Fix: {}", f.hint)?;
            }
        }
        writeln!(out)?;
    }
    writeln!(out, "{}", summary(errors.len(), warnings.len()))
}

/// "2 errors, 1 warning".
pub fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use passmith_core::Code;

    #[test]
    fn summary_pluralises() {
        assert_eq!(summary(2, 1), "2 errors, 1 warning");
        assert_eq!(summary(0, 0), "0 errors, 0 warnings");
        assert_eq!(summary(1, 3), "1 error, 3 warnings");
    }

    #[test]
    fn report_lists_errors_before_warnings() {
        let findings = vec![
            Finding::new(
                Code::ImageMissingDensity,
                "logo@3x.png",
                "No @3x logo.",
                "Add it.",
            ),
            Finding::new(
                Code::ColorFormat,
                "/backgroundColor",
                "Bad colour.",
                "Use rgb().",
            ),
        ];
        let mut out = Vec::new();
        write_report(&mut out, "X.pass", &findings).unwrap();
        let text = String::from_utf8(out).unwrap();
        let err = text.find("color.format").unwrap();
        let warn = text.find("image.missing_density").unwrap();
        assert!(err < warn, "{text}");
        assert!(text.contains("Fix: Use rgb()."), "{text}");
        assert!(text.trim_end().ends_with("1 error, 1 warning"), "{text}");
    }
}
