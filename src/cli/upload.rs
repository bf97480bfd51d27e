//! `passmith upload A.pkpass [B.pkpass …] --server URL`: puts signed passes on a passmith-server
//! so devices that have them get updates. The API key comes from `PASSMITH_API_KEY` or
//! `--api-key-file`.
//!
//! Exit codes: 0 every pass uploaded, 1 the server refused a pass or the key (the others are
//! still tried), 2 a file could not be read or no API key was given.

use std::path::PathBuf;

use passmith::upload::{Client, UploadError};

use super::{EXIT_FAILED, EXIT_OK, EXIT_UNREADABLE};

/// Arguments of `passmith upload`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Base URL of the passmith-server (e.g. https://passes.example.com).
    #[arg(long, env = "PASSMITH_SERVER_URL")]
    pub server: String,
    /// File holding the server's API key (instead of the PASSMITH_API_KEY environment variable).
    #[arg(long)]
    pub api_key_file: Option<PathBuf>,
    /// Also ask the server to notify the pass's devices even if the pass did not change.
    #[arg(long)]
    pub push: bool,
    /// The signed .pkpass files to upload.
    #[arg(required = true)]
    pub passes: Vec<PathBuf>,
}

/// The API key: from `file` (its first line), else `PASSMITH_API_KEY`.
pub(super) fn api_key(file: Option<&std::path::Path>) -> Result<String, String> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the API key file {}: {e}", path.display()))?;
        let key = text.lines().next().unwrap_or("").trim().to_owned();
        if key.is_empty() {
            return Err(format!("the API key file {} is empty", path.display()));
        }
        return Ok(key);
    }
    match std::env::var("PASSMITH_API_KEY") {
        Ok(k) if !k.trim().is_empty() => Ok(k.trim().to_owned()),
        _ => Err(
            "no API key: set PASSMITH_API_KEY or pass --api-key-file FILE (the key the server was started with)"
                .to_owned(),
        ),
    }
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    let key = match api_key(args.api_key_file.as_deref()) {
        Ok(k) => k,
        Err(msg) => {
            eprintln!("error: {msg}");
            return Ok(EXIT_UNREADABLE);
        }
    };
    let client = match Client::new(&args.server, &key) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(EXIT_FAILED);
        }
    };
    let mut code = EXIT_OK;
    for path in &args.passes {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                code = code.max(EXIT_UNREADABLE);
                continue;
            }
        };
        match client.upload(&bytes) {
            Ok(up) => {
                let what = if up.created {
                    "new on the server".to_owned()
                } else if up.changed {
                    format!("updated; {} device(s) will be notified", up.pushes_queued)
                } else {
                    "unchanged (the server already had exactly this pass)".to_owned()
                };
                println!(
                    "{}: {} {} — {what}",
                    path.display(),
                    up.pass_type_identifier,
                    up.serial_number
                );
                if let Some(link) = &up.share_url {
                    println!("  download link: {link}");
                }
                if let Some(page) = &up.share_page_url {
                    println!("  Add to Apple Wallet page: {page}");
                }
                if args.push {
                    match client.push(&up.pass_type_identifier, &up.serial_number) {
                        Ok(n) => println!("  push queued for {n} device(s)"),
                        Err(e) => {
                            eprintln!("error: {}: {e}", path.display());
                            code = code.max(EXIT_FAILED);
                        }
                    }
                }
            }
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                code = code.max(EXIT_FAILED);
                if matches!(
                    e,
                    UploadError::Unauthorized { .. } | UploadError::Unreachable { .. }
                ) {
                    // Every other file would fail the same way.
                    break;
                }
            }
        }
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "cli-upload-key-0123";

    fn signed_pass(dir: &std::path::Path, serial: &str) -> PathBuf {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut doc =
            passmith_core::PassDocument::read_dir(&root.join("apple-samples/Generic.pass"))
                .unwrap();
        doc.pass.pass_type_identifier = "pass.com.example.passmith".into();
        doc.pass.team_identifier = "TEAM123456".into();
        doc.pass.serial_number = serial.into();
        doc.pass.authentication_token = Some(format!("token-{serial}-0123456789"));
        let p12 = std::fs::read(root.join("certs/test-pass.p12")).unwrap();
        let id = passmith_core::identity::Identity::from_pkcs12(&p12, "test-password").unwrap();
        let wwdr = std::fs::read(root.join("certs/test-wwdr-ca.pem")).unwrap();
        let opts = passmith_core::export::ExportOptions::at(passmith_core::time::now_unix());
        let signed = passmith_core::export::prepare(&doc, &id, &opts.with_wwdr(&wwdr)).unwrap();
        let bytes = signed.bytes;
        let path = dir.join(format!("{serial}.pkpass"));
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn uploads_files_and_reports_failures_by_exit_code() {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("key");
        std::fs::write(&key_file, format!("{KEY}\n")).unwrap();
        let rt = tokio::runtime::Runtime::new().unwrap();
        let config = passmith_server::Args {
            listen: Some("127.0.0.1:0".into()),
            db: Some(format!("sqlite://{}", dir.path().join("p.db").display())),
            api_key_file: Some(key_file.clone()),
            ..Default::default()
        }
        .resolve()
        .unwrap();
        let running = rt.block_on(passmith_server::start(config)).unwrap();
        let server = format!("http://{}", running.addr);

        let a = signed_pass(dir.path(), "CLI-A");
        let b = signed_pass(dir.path(), "CLI-B");
        let args = Args {
            server: server.clone(),
            api_key_file: Some(key_file.clone()),
            push: true,
            passes: vec![a.clone(), b.clone()],
        };
        assert_eq!(run(args).unwrap(), EXIT_OK);
        let listed = Client::new(&server, KEY).unwrap().list().unwrap();
        let serials: Vec<_> = listed.iter().map(|p| p.serial_number.as_str()).collect();
        assert_eq!(serials, ["CLI-A", "CLI-B"]);

        let missing = Args {
            server: server.clone(),
            api_key_file: Some(key_file.clone()),
            push: false,
            passes: vec![dir.path().join("nope.pkpass"), a.clone()],
        };
        assert_eq!(run(missing).unwrap(), EXIT_UNREADABLE);

        let junk = dir.path().join("junk.pkpass");
        std::fs::write(&junk, b"not a pass").unwrap();
        let rejected = Args {
            server,
            api_key_file: Some(key_file),
            push: false,
            passes: vec![junk],
        };
        assert_eq!(run(rejected).unwrap(), EXIT_FAILED);
    }
}
