//! `passmith google <PASS> --issuer-id ID [--type T] [--key sa.json] [--origin URL]
//! [--image-base-url URL] [--insert] -o OUT/`: the pass as a Google Wallet class and object
//! (`class.json`, `object.json`) and, with a service-account key, a signed "Save to Google
//! Wallet" link (`link.txt`). `--insert` also creates (or updates) class and object through the
//! Wallet REST API. Everything goes through the export gate's Google path.
//!
//! Exit codes: 0 written, 1 not written (a finding Google refuses, the REST API refusing), 2 an
//! input could not be read (the pass, or a key file that is not a service-account key). `--json` prints one summary document.

use std::path::{Path, PathBuf};

use passmith::google_wallet::{DEFAULT_API_BASE, Outcome, Wallet};
use passmith_core::export::{GoogleExportOptions, Refused, prepare_google};
use passmith_core::google::jwt::{Carries, ServiceAccountKey};
use passmith_core::google::{GoogleType, MapOptions};
use passmith_core::validate::load_error_finding;
use passmith_core::{Finding, PassDocument};
use serde_json::json;

use super::build::Stop;
use super::{EXIT_OK, EXIT_UNREADABLE};

/// Arguments of `passmith google`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A pass folder (`Name.pass/`) or a `.pkpass`.
    pub pass: PathBuf,
    /// The issuer ID from the Google Pay & Wallet Console (digits).
    #[arg(long)]
    pub issuer_id: String,
    /// The Google Wallet type instead of the one the style maps to: generic, loyalty, offer,
    /// eventTicket, flight or transit.
    #[arg(long = "type", value_name = "TYPE")]
    pub google_type: Option<String>,
    /// The service-account key file (JSON, as Google Cloud downloads it): signs link.txt, and
    /// authenticates --insert.
    #[arg(long)]
    pub key: Option<PathBuf>,
    /// A web page allowed to show the save button (the link's `origins`); may be repeated.
    #[arg(long = "origin", value_name = "URL")]
    pub origins: Vec<String>,
    /// Where the pass's images are served (https), e.g. https://cdn.example.com/spring: the
    /// logo is <URL>/logo@3x.png and so on. Google takes images only by URL.
    #[arg(long)]
    pub image_base_url: Option<String>,
    /// The language of the texts' default values, e.g. `fr` (the pass's other languages become
    /// translations). Default: English if the pass has it, else its first language.
    #[arg(long)]
    pub lang: Option<String>,
    /// Also insert (or, when they exist, update) the class and then the object through the
    /// Google Wallet REST API. Needs --key.
    #[arg(long)]
    pub insert: bool,
    /// The Wallet REST API's base URL.
    #[arg(long, default_value = DEFAULT_API_BASE, env = "PASSMITH_GOOGLE_API")]
    pub api_base_url: String,
    /// Print a JSON summary (type, ids, files, link, findings) instead of text.
    #[arg(long)]
    pub json: bool,
    /// The folder to write class.json, object.json and link.txt into.
    #[arg(short, long)]
    pub output: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    match google(&args) {
        Ok(()) => Ok(EXIT_OK),
        Err(Stop(code, message)) => {
            if args.json {
                println!(
                    "{:#}",
                    json!({"written": false, "exitCode": code, "error": message})
                );
            }
            eprintln!("error: {message}");
            Ok(code)
        }
    }
}

fn google(args: &Args) -> Result<(), Stop> {
    let google_type = match &args.google_type {
        None => None,
        Some(t) => Some(GoogleType::parse(t).ok_or_else(|| {
            let all: Vec<&str> = GoogleType::ALL.iter().map(|t| t.as_str()).collect();
            Stop::failed(format!(
                "--type {t:?} is not a Google Wallet type; use one of {}",
                all.join(", ")
            ))
        })?),
    };
    if args.insert && args.key.is_none() {
        return Err(Stop::failed(
            "--insert needs --key: the service-account key file the Wallet API is called with"
                .into(),
        ));
    }
    // The one clock reading of this command.
    let now = passmith_core::time::now_unix();
    let doc = read_pass(&args.pass, now)?;
    let key = args.key.as_deref().map(read_key).transpose()?;
    let opts = GoogleExportOptions {
        now_unix: now,
        map: MapOptions {
            issuer_id: args.issuer_id.trim().to_owned(),
            type_override: google_type,
            image_base_url: args.image_base_url.clone(),
            language: args.lang.clone(),
            // Dates, numbers and amounts as Apple shows them.
            format_value: Some(passmith_preview::format_field_value),
        },
        key: key.as_ref(),
        origins: args.origins.clone(),
    };
    let name = args.pass.display().to_string();
    let out = match prepare_google(&doc, &opts) {
        Ok(out) => out,
        Err(Refused::Failed(e)) => return Err(Stop::failed(e.to_string())),
        Err(Refused::Blocked { findings }) => {
            if args.json {
                print_summary(&json!({"written": false, "findings": findings}));
            } else {
                report(&name, &findings);
            }
            let codes: Vec<&str> = findings
                .iter()
                .filter(|f| f.is_error())
                .map(|f| f.code.as_str())
                .collect();
            return Err(Stop::failed(format!(
                "nothing was written to {}: Google Wallet would refuse the pass ({}), listed above. Fix them and run again.",
                args.output.display(),
                codes.join(", ")
            )));
        }
    };
    let mapped = &out.mapped;
    let write = |file: &str, bytes: &[u8]| -> Result<PathBuf, Stop> {
        let path = args.output.join(file);
        passmith_core::document::write_file_atomically(&path, bytes)
            .map_err(|e| Stop::failed(e.to_string()))?;
        Ok(path)
    };
    std::fs::create_dir_all(&args.output)
        .map_err(|e| Stop::failed(format!("cannot create {}: {e}", args.output.display())))?;
    let pretty = |v: &serde_json::Value| format!("{v:#}\n").into_bytes();
    let mut files = vec![
        write("class.json", &pretty(&mapped.class))?,
        write("object.json", &pretty(&mapped.object))?,
    ];
    if let Some(link) = &out.link {
        files.push(write("link.txt", format!("{}\n", link.url()).as_bytes())?);
    }
    let inserted = if args.insert {
        let key = key
            .as_ref()
            .ok_or_else(|| Stop::failed("--insert needs --key".into()))?;
        let wallet = Wallet::connect(key, &args.api_base_url, now)
            .map_err(|e| Stop::failed(e.to_string()))?;
        let (class, object) = wallet
            .save(mapped.google_type, &mapped.class, &mapped.object)
            .map_err(|e| Stop::failed(format!("{e}. class.json and object.json were written.")))?;
        Some((class, object))
    } else {
        None
    };
    if args.json {
        let link = out.link.as_ref().map(|l| {
            json!({
                "url": l.url(),
                "jwtLength": l.jwt.len(),
                "carries": match l.carries {
                    Carries::ClassAndObject => "classAndObject",
                    Carries::Object => "object",
                    Carries::ObjectId => "objectId",
                },
            })
        });
        print_summary(&json!({
            "written": true,
            "type": mapped.google_type.as_str(),
            "classId": mapped.class_id(),
            "objectId": mapped.object_id(),
            "files": files,
            "link": link,
            "inserted": inserted.map(|(c, o)| json!({"class": c, "object": o})),
            "findings": out.warnings,
        }));
        return Ok(());
    }
    report(&name, &out.warnings);
    for f in &files {
        println!("Wrote {}", f.display());
    }
    println!(
        "Google Wallet {} pass: class {}, object {}.",
        mapped.google_type,
        mapped.class_id(),
        mapped.object_id()
    );
    match &out.link {
        Some(link) => println!(
            "Save link: {} characters{}.",
            link.jwt.len(),
            match link.carries {
                Carries::ClassAndObject => "",
                Carries::Object =>
                    "; it carries the object only, so create the class first (--insert)",
                Carries::ObjectId =>
                    "; it carries the object's id only, so create class and object first (--insert)",
            }
        ),
        None => println!("No save link: give --key with the service-account key file to sign one."),
    }
    if let Some((class, object)) = inserted {
        let said = |o: Outcome| match o {
            Outcome::Inserted => "inserted",
            Outcome::Patched => "updated",
        };
        println!(
            "Google Wallet API: class {}, object {}.",
            said(class),
            said(object)
        );
    }
    Ok(())
}

fn print_summary(v: &serde_json::Value) {
    println!("{v:#}");
}

fn report(name: &str, findings: &[Finding]) {
    if !findings.is_empty() {
        let _ = super::validate::write_report(&mut std::io::stderr().lock(), name, findings);
    }
}

fn read_pass(path: &Path, now: i64) -> Result<PassDocument, Stop> {
    if !path.exists() {
        return Err(Stop(
            EXIT_UNREADABLE,
            format!(
                "{} does not exist. Give the path of a pass folder (Name.pass) or a .pkpass.",
                path.display()
            ),
        ));
    }
    passmith_core::archive::open_path(path, now)
        .map(|o| o.document)
        .map_err(|err| match load_error_finding(&err) {
            Some(f) => Stop::failed(format!(
                "{}: {}: {} Nothing was written.",
                path.display(),
                f.path,
                f.message
            )),
            None => Stop::unreadable(format!("cannot read {}: {err}", path.display())),
        })
}

fn read_key(path: &Path) -> Result<ServiceAccountKey, Stop> {
    let bytes = std::fs::read(path).map_err(|e| {
        Stop::unreadable(format!("cannot read the key file {}: {e}", path.display()))
    })?;
    ServiceAccountKey::from_json(&bytes)
        .map_err(|e| Stop::unreadable(format!("{}: {e}", path.display())))
}
