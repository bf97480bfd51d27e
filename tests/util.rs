//! Helpers shared by every topic module: where the fixtures are, a designer under egui_kittest
//! with scripted file dialogs and the steps a user takes in it (press, retype, undo, choose an
//! identity), the `passmith` binary run like a script would run it, and zip/openssl checks of
//! what was written. Each helper exists once here; topic modules do not copy them.

use std::ffi::OsStr;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use passmith::app::dialogs::identity::Signer;
use passmith::app::{App, ScriptedDialogs, engine};
use passmith_core::PassDocument;

/// The names of Apple's five sample passes in `fixtures/apple-samples`.
pub const SAMPLES: [&str; 5] = ["BoardingPass", "Coupon", "Event", "Generic", "StoreCard"];

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Apple's sample passes: `<name>.pass` folders and Apple-signed `<name>.pkpass` files.
pub fn samples() -> PathBuf {
    fixtures().join("apple-samples")
}

/// A test certificate, key or CA from `fixtures/certs` (password `test-password`).
pub fn cert(name: &str) -> PathBuf {
    fixtures().join("certs").join(name)
}

// ---- the designer under egui_kittest -------------------------------------------------------

/// The designer with `doc` open; file dialogs answer from `dialogs` (a shared script, so the
/// test can add answers and read what was asked).
pub fn harness(doc: PassDocument, dialogs: &ScriptedDialogs) -> Harness<'static, App> {
    let dialogs = dialogs.clone();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 1000.0))
        .with_max_steps(40)
        .build_eframe(move |_cc| App::new_for_test(doc, Box::new(dialogs)));
    h.run();
    h
}

/// Field `index` of `group` in the designer's open pass.
pub fn field_of(
    app: &App,
    group: passmith_core::model::FieldGroup,
    index: usize,
) -> passmith_core::model::Field {
    app.session
        .doc
        .pass
        .fields()
        .expect("the pass has fields")
        .group(group)[index]
        .clone()
}

/// Clicks the widget named `label`, scrolling it into view first like a user would.
pub fn press(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run();
    h.get_by_label(label).click();
    h.run();
}

/// Walks a menu path by clicking each entry: `menu(h, &["File", "New from template", "Coupon"])`.
pub fn menu(h: &mut Harness<'_, App>, path: &[&str]) {
    for label in path {
        h.get_by_label(label).click();
        h.run();
    }
}

/// Replaces the text of the text input named `label`, the way a user does: click, select all,
/// type.
pub fn retype(h: &mut Harness<'_, App>, label: &str, text: &str) {
    retype_as(h, Role::TextInput, label, text);
}

/// [`retype`] for an input of another role (a password field, say).
pub fn retype_as(h: &mut Harness<'_, App>, role: Role, label: &str, text: &str) {
    h.get_by_role_and_label(role, label).scroll_to_me();
    h.run();
    h.get_by_role_and_label(role, label).click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_role_and_label(role, label).type_text(text);
    h.run();
}

/// Ctrl/Cmd+Z.
pub fn undo(h: &mut Harness<'_, App>) {
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
}

/// Ctrl/Cmd+Shift+Z.
pub fn redo(h: &mut Harness<'_, App>) {
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    h.run();
}

/// In the open identity dialog: loads the test certificate (the dialogs must answer with its
/// `.p12` and then the WWDR file) and the test intermediate. "Use this identity" is left to the
/// caller, because what it continues with is what the test is about.
pub fn choose_test_identity(h: &mut Harness<'_, App>) {
    press(h, "Choose certificate…");
    retype_as(h, Role::PasswordInput, "Password", "test-password");
    press(h, "Load certificate");
    assert!(
        h.query_by_label("TEAM123456").is_some(),
        "the dialog shows the certificate's team"
    );
    press(h, "Choose WWDR certificate…");
}

/// Gives `app` the test identity and intermediate directly, for tests about what comes after.
pub fn load_test_identity(app: &mut App) {
    let p12 = std::fs::read(cert("test-pass.p12")).unwrap();
    app.signer = Some(Signer {
        identity: engine::load_identity(&p12, "test-password").unwrap(),
        wwdr_pem: Some(std::fs::read(cert("test-wwdr-ca.pem")).unwrap()),
    });
}

// ---- the passmith binary -------------------------------------------------------------------

/// `&[&OsStr]` from a mix of strings and paths: `passmith(os!["build", folder, "-o", out])`.
macro_rules! os {
    ($($a:expr),* $(,)?) => { &[$(std::ffi::OsStr::new(&$a)),*] };
}
pub(crate) use os;

/// Runs passmith with no terminal attached and no passwords in the environment.
pub fn passmith<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>) -> Output {
    Command::new(env!("CARGO_BIN_EXE_passmith"))
        .args(args)
        .env_remove("PASSMITH_CERT_PASSWORD")
        .env_remove("PASSMITH_SMTP_PASSWORD")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// stdout and stderr as text.
pub fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs passmith; the exit code, stdout and stderr.
pub fn run<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>) -> (i32, String, String) {
    let out = passmith(args);
    let (stdout, stderr) = text(&out);
    (out.status.code().expect("an exit code"), stdout, stderr)
}

/// Copies Apple's sample `name` into `dir` as `<name>.pass`, with its pass.json rewritten by
/// `edit`.
pub fn copy_sample(dir: &Path, name: &str, edit: impl FnOnce(String) -> String) -> PathBuf {
    let src = samples().join(format!("{name}.pass"));
    let dst = dir.join(format!("{name}.pass"));
    std::fs::create_dir_all(&dst).unwrap();
    for entry in std::fs::read_dir(&src).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dst.join(entry.file_name())).unwrap();
    }
    let json = std::fs::read_to_string(dst.join("pass.json")).unwrap();
    std::fs::write(dst.join("pass.json"), edit(json)).unwrap();
    dst
}

/// The edit for [`copy_sample`] that switches Apple's identifiers to the test certificate's.
pub fn for_test_identity(json: String) -> String {
    json.replace(
        "pass.com.apple.devpubs.example",
        "pass.com.example.passmith",
    )
    .replace("A93A5CM278", "TEAM123456")
}

/// StoreCard with the test identity, a batch design: personalised by `serialNumber` (a column
/// named like the key), `{{barcode}}` in the barcode and `{{name}}` in a field.
pub fn batch_design(dir: &Path) -> PathBuf {
    copy_sample(dir, "StoreCard", |json| {
        for_test_identity(json)
            .replace(
                "\"message\" : \"123456789\"",
                "\"message\" : \"{{barcode}}\"",
            )
            .replace("\"value\" : \"Lemons\"", "\"value\" : \"{{name}}\"")
    })
}

/// A file holding the test certificate's password, for `--password-file`.
pub fn cert_password_file(dir: &Path) -> PathBuf {
    let p = dir.join("password.txt");
    std::fs::write(&p, "test-password\n").unwrap();
    p
}

/// Starts passmith with its stdout and stderr piped, for tests that stop it midway.
pub fn spawn_passmith<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_passmith"))
        .args(args)
        .env_remove("PASSMITH_CERT_PASSWORD")
        .env_remove("PASSMITH_SMTP_PASSWORD")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

// ---- a real SMTP server ---------------------------------------------------------------------

/// A Python with `aiosmtpd` (PyPI): `PASSMITH_TEST_PYTHON`, else the venv that
/// scripts/setup.sh makes in the target folder, else `python3` if it has the package. When
/// none has it, the venv is made here (`python3 -m venv`, then pip installs aiosmtpd 1.4.6), so
/// a plain `cargo test` works on a machine that reaches PyPI.
pub fn aiosmtpd_python() -> PathBuf {
    static PYTHON: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let has_it = |python: &Path| {
                Command::new(python)
                    .args(["-c", "import aiosmtpd"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            };
            let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("aiosmtpd-venv");
            let venv_python = venv.join("bin/python");
            let mut candidates = Vec::new();
            if let Some(p) = std::env::var_os("PASSMITH_TEST_PYTHON") {
                candidates.push(PathBuf::from(p));
            }
            candidates.push(venv_python.clone());
            candidates.push(PathBuf::from("python3"));
            if let Some(found) = candidates.into_iter().find(|p| has_it(p)) {
                return found;
            }
            let made = Command::new("python3")
                .args([OsStr::new("-m"), OsStr::new("venv"), venv.as_os_str()])
                .status()
                .unwrap();
            assert!(made.success(), "python3 -m venv {} failed", venv.display());
            let installed = Command::new(&venv_python)
                .args(["-m", "pip", "install", "--quiet", "aiosmtpd==1.4.6"])
                .status()
                .unwrap();
            assert!(installed.success(), "pip install aiosmtpd failed");
            venv_python
        })
        .clone()
}

/// `tests/support/smtp_sink.py` running on 127.0.0.1: every message it accepts is saved and
/// parsed (see the script). Stopped when dropped.
pub struct SmtpSink {
    child: std::process::Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl SmtpSink {
    /// A server that refuses `reject` with 550 and the first RCPT of `defer` with 451.
    pub fn start(reject: &[&str], defer: &[&str]) -> SmtpSink {
        SmtpSink::start_with(&SinkOptions {
            reject,
            defer,
            ..SinkOptions::default()
        })
    }

    /// A server with TLS and a login (see [`SinkOptions`]).
    pub fn start_with(options: &SinkOptions<'_>) -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_sink.py");
        let mut cmd = Command::new(aiosmtpd_python());
        cmd.arg(script).arg(dir.path());
        for a in options.reject {
            cmd.args(["--reject", a]);
        }
        for a in options.defer {
            cmd.args(["--defer", a]);
        }
        match &options.tls {
            SinkTls::None => {}
            SinkTls::Starttls(files) => {
                cmd.arg("--starttls").arg(&files.cert).arg(&files.key);
            }
            SinkTls::Implicit(files) => {
                cmd.arg("--tls").arg(&files.cert).arg(&files.key);
            }
        }
        if let Some((user, password)) = options.login {
            cmd.args(["--login", user, password]);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("smtp_sink.py did not print its port: {line:?}"));
        SmtpSink { child, port, dir }
    }

    /// The parsed messages received so far (see smtp_sink.py), in the order they came.
    pub fn messages(&self) -> Vec<serde_json::Value> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
            .collect()
    }

    /// `--smtp-host 127.0.0.1 --smtp-port PORT --smtp-security none`.
    pub fn flags(&self) -> Vec<std::ffi::OsString> {
        [
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            &self.port.to_string(),
            "--smtp-security",
            "none",
        ]
        .iter()
        .map(Into::into)
        .collect()
    }
}

/// How [`SmtpSink::start_with`] runs the server.
#[derive(Default)]
pub struct SinkOptions<'a> {
    pub reject: &'a [&'a str],
    pub defer: &'a [&'a str],
    pub tls: SinkTls<'a>,
    /// A login the server requires before MAIL FROM.
    pub login: Option<(&'a str, &'a str)>,
}

#[derive(Default)]
pub enum SinkTls<'a> {
    #[default]
    None,
    /// STARTTLS offered and required.
    Starttls(&'a TestTls),
    /// TLS from the first byte.
    Implicit(&'a TestTls),
}

/// A throwaway CA and a server certificate it signed for IP 127.0.0.1, made by the openssl CLI.
pub struct TestTls {
    /// The CA certificate (PEM): what a client must trust.
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TestTls {
    pub fn new(dir: &Path) -> TestTls {
        let openssl = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(dir)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ];
        let mut ca = vec!["req", "-x509"];
        ca.extend(ec);
        ca.extend([
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Passmith test SMTP CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]);
        openssl(&ca);
        let mut csr = vec!["req"];
        csr.extend(ec);
        csr.extend([
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ]);
        openssl(&csr);
        std::fs::write(
            dir.join("server.ext"),
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ]);
        TestTls {
            ca: dir.join("ca.pem"),
            cert: dir.join("server.pem"),
            key: dir.join("server.key"),
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---- archives and signatures ---------------------------------------------------------------

pub use passmith_testkit::{assert_openssl_verifies, openssl_sign_keyid, unzip};

/// A zip archive of `entries`, in the given order (names are written as given, even hostile
/// ones).
pub fn zip<'a>(entries: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

// ---- a real passmith-server on 127.0.0.1 ---------------------------------------------------

/// A passmith-server on 127.0.0.1 with a SQLite file in `dir` and the API key `key` (also in
/// `key_file`); the runtime lives as long as this value.
pub struct TestServer {
    pub url: String,
    pub key_file: PathBuf,
    pub running: passmith_server::Running,
    _runtime: tokio::runtime::Runtime,
}

pub fn start_server(dir: &Path, key: &str) -> TestServer {
    let key_file = dir.join("key");
    std::fs::write(&key_file, format!("{key}\n")).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let config = passmith_server::Args {
        listen: Some("127.0.0.1:0".into()),
        db: Some(format!("sqlite://{}", dir.join("p.db").display())),
        api_key_file: Some(key_file.clone()),
        ..Default::default()
    }
    .resolve()
    .unwrap();
    let running = runtime.block_on(passmith_server::start(config)).unwrap();
    TestServer {
        url: format!("http://{}", running.addr),
        key_file,
        running,
        _runtime: runtime,
    }
}

/// `passmith batch` of [`batch_design`] over `csv` (written to `dir/members.csv`) into
/// `dir/out`, signed with the test identity; the manifest it wrote.
pub fn batch_from_csv(dir: &Path, csv: &str) -> PathBuf {
    let csv_path = dir.join("members.csv");
    std::fs::write(&csv_path, csv).unwrap();
    let out = dir.join("out");
    let (code, stdout, stderr) = run(os![
        "batch",
        batch_design(dir),
        "--csv",
        csv_path,
        "--cert",
        cert("test-pass.p12"),
        "--password-file",
        cert_password_file(dir),
        "--wwdr",
        cert("test-wwdr-ca.pem"),
        "-o",
        out
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    out.join("manifest.csv")
}
