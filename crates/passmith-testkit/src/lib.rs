//! Test helpers that more than one package's test suite needs: where the shared fixtures are,
//! the entries of a package, `openssl cms -verify` as the judge of a signature, `openssl cms
//! -sign -keyid` as another tool's signer, JSON compared by value, and Google Wallet's discovery
//! document and test service-account keys (`openssl dgst -verify` as the judge of their JWTs). Dev-only (`publish = false`); it depends on no Passmith crate, so any of
//! them can use it as a dev-dependency.
//!
//! Test code: a missing fixture or a broken archive should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod google_schema;

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace's shared fixtures (`tests/fixtures`: Apple's samples, the test certificates).
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// A test certificate, key or CA from `fixtures/certs` (password `test-password`).
pub fn cert_path(name: &str) -> PathBuf {
    fixtures().join("certs").join(name)
}

/// Every entry of a zip archive, by name.
pub fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).unwrap();
        out.insert(f.name().unwrap().into_owned(), buf);
    }
    out
}

/// Runs `openssl cms -verify` on a package's `signature` over its `manifest.json` (from
/// [`unzip`]), trusting `ca` as the intermediate. The output says why it failed.
pub fn openssl_verify(files: &BTreeMap<String, Vec<u8>>, ca: &Path) -> Output {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("signature"), &files["signature"]).unwrap();
    std::fs::write(dir.path().join("manifest.json"), &files["manifest.json"]).unwrap();
    Command::new("openssl")
        .args([
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "signature",
            "-content",
            "manifest.json",
            "-CAfile",
        ])
        .arg(ca)
        .args(["-purpose", "any", "-out", "/dev/null"])
        .current_dir(dir.path())
        .output()
        .expect("the openssl binary is needed for this test (apt-get install openssl)")
}

/// Asserts that [`openssl_verify`] accepts the package's signature; `what` names the package in
/// the failure.
pub fn assert_openssl_verifies(files: &BTreeMap<String, Vec<u8>>, ca: &Path, what: &str) {
    let verify = openssl_verify(files, ca);
    assert!(
        verify.status.success(),
        "{what}: openssl cms -verify failed: {}",
        String::from_utf8_lossy(&verify.stderr)
    );
}

/// A signature over `manifest` made by `openssl cms -sign -keyid` with the test identity
/// (`test-pass.pem`/`.key`): the signer is named by subjectKeyIdentifier (a CMS version 3
/// SignerInfo), as current signing tools do. Detached, binary, SHA-256, with openssl's default
/// signed attributes (contentType, signingTime, messageDigest, …). With `with_certs` it embeds
/// the signer and the test CA as intermediate; without, no certificate at all (`-nocerts`).
/// Returns the DER.
pub fn openssl_sign_keyid(manifest: &[u8], with_certs: bool) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("manifest.json"), manifest).unwrap();
    let mut cmd = Command::new("openssl");
    cmd.args(["cms", "-sign", "-binary", "-keyid", "-md", "sha256"])
        .args([
            "-in",
            "manifest.json",
            "-outform",
            "DER",
            "-out",
            "signature",
        ])
        .arg("-signer")
        .arg(cert_path("test-pass.pem"))
        .arg("-inkey")
        .arg(cert_path("test-pass.key"));
    if with_certs {
        cmd.arg("-certfile").arg(cert_path("test-wwdr-ca.pem"));
    } else {
        cmd.arg("-nocerts");
    }
    let out = cmd
        .current_dir(dir.path())
        .output()
        .expect("the openssl binary is needed for this test (apt-get install openssl)");
    assert!(
        out.status.success(),
        "openssl cms -sign -keyid: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(dir.path().join("signature")).unwrap()
}

/// JSON equality by value: numbers compare as numbers (1 == 1.0), objects ignore key order.
pub fn json_equal(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => x.as_f64() == y.as_f64(),
        (Array(x), Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (Object(x), Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// A Google Cloud service-account key file for a test, written to `dir/sa.json`, with a fresh
/// 2048-bit RSA key made by the openssl CLI and `token_uri` as its token endpoint. Returns the
/// key file and the public key (PEM) that verifies what it signs.
pub fn google_service_account(dir: &Path, token_uri: &str) -> (PathBuf, PathBuf) {
    let key = dir.join("sa-private.pem");
    let public = dir.join("sa-public.pem");
    let run = |args: &[&std::ffi::OsStr]| {
        let out = Command::new("openssl")
            .args(args)
            .output()
            .expect("the openssl binary is needed for this test (apt-get install openssl)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "genpkey".as_ref(),
        "-algorithm".as_ref(),
        "RSA".as_ref(),
        "-pkeyopt".as_ref(),
        "rsa_keygen_bits:2048".as_ref(),
        "-out".as_ref(),
        key.as_os_str(),
    ]);
    run(&[
        "pkey".as_ref(),
        "-in".as_ref(),
        key.as_os_str(),
        "-pubout".as_ref(),
        "-out".as_ref(),
        public.as_os_str(),
    ]);
    let json = serde_json::json!({
        "type": "service_account",
        "project_id": "passmith-test",
        "private_key_id": "0123456789abcdef",
        "private_key": std::fs::read_to_string(&key).unwrap(),
        "client_email": "wallet@passmith-test.iam.gserviceaccount.com",
        "client_id": "100000000000000000001",
        "token_uri": token_uri,
    });
    let file = dir.join("sa.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&json).unwrap()).unwrap();
    (file, public)
}

/// `openssl dgst -sha256 -verify` over a compact JWT's header and payload with `public`
/// (PEM): the judge of an RS256 signature.
pub fn openssl_verifies_jwt(jwt: &str, public: &Path) -> bool {
    use base64::Engine as _;
    let Some((input, signature)) = jwt.rsplit_once('.') else {
        return false;
    };
    let Ok(signature) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(signature) else {
        return false;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("input"), input).unwrap();
    std::fs::write(dir.path().join("sig"), signature).unwrap();
    Command::new("openssl")
        .args(["dgst", "-sha256", "-verify"])
        .arg(public)
        .arg("-signature")
        .arg(dir.path().join("sig"))
        .arg(dir.path().join("input"))
        .output()
        .expect("the openssl binary is needed for this test")
        .status
        .success()
}

/// A compact JWT's header and claims, decoded.
pub fn jwt_parts(jwt: &str) -> (serde_json::Value, serde_json::Value) {
    use base64::Engine as _;
    let mut parts = jwt.split('.');
    let mut part = || -> serde_json::Value {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts.next().unwrap())
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    };
    (part(), part())
}

#[cfg(test)]
mod tests {
    use super::json_equal;
    use serde_json::json;

    #[test]
    fn json_compares_by_value() {
        assert!(json_equal(
            &json!({"a": 1, "b": [2]}),
            &json!({"b": [2.0], "a": 1.0})
        ));
        assert!(!json_equal(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!json_equal(&json!([1, 2]), &json!([2, 1])));
    }
}
