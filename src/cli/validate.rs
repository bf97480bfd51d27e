//! `passmith validate <PASS> [--json]`: checks a `.pass` folder or a `.pkpass` and lists what is
//! wrong with it.
//!
//! Exit codes: 0 no errors (warnings allowed), 1 errors (including a pass.json that is not valid
//! JSON, reported with its line and column, and a `.pkpass` whose manifest or signature does not
//! hold), 2 the input cannot be read at all (no such path, not a pass, a damaged archive).

use std::io::Write;
use std::path::PathBuf;

use passmith_core::archive::{self, Opened};
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
    let findings = match check(&args.pass) {
        Ok(findings) => findings,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(EXIT_UNREADABLE);
        }
    };
    let mut stdout = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &findings)?;
        writeln!(stdout)?;
    } else {
        write_report(&mut stdout, &args.pass.display().to_string(), &findings)?;
    }
    Ok(if findings.iter().any(Finding::is_error) {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}

/// Opens and validates a pass. `Err` (a message for the user) when the input cannot be read at
/// all; problems inside the pass — including a broken pass.json — are findings.
fn check(path: &std::path::Path) -> Result<Vec<Finding>, String> {
    if !path.exists() {
        return Err(format!(
            "{} does not exist. Give the path of a pass folder (Name.pass) or a .pkpass file.",
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
    match archive::open_path(path, now) {
        Ok(Opened { document, package }) => {
            let mut findings = Vec::new();
            if let Some(report) = &package {
                findings.extend(report.findings());
            }
            // The signer of an existing package is judged by the package report (an old pass keeps
            // working after its certificate expires), so the document is checked without it.
            findings.extend(validate(&document, &ValidationContext::at(now)));
            Ok(findings)
        }
        Err(err) => match load_error_finding(&err) {
            Some(finding) => Ok(vec![finding]),
            None => Err(format!("cannot read {}: {err}", path.display())),
        },
    }
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
