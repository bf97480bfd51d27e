//! Opening real-world passes: `.pkpass` archives (defensively) and raw `.pass` folders.
//!
//! A `.pkpass` can come from anywhere — an email, a website, an attacker — so reading one never
//! trusts it: entry names that would escape a folder, symlinks, duplicates, too many entries,
//! oversized or zip-bomb entries are refused before anything is decompressed, and decompression
//! itself is bounded, because the sizes an archive declares can lie. What is found inside is then
//! checked like Wallet would: do the manifest hashes match the files, does the signature verify
//! over the manifest, and which Apple intermediate does it carry.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::path::Path;

use serde::Serialize;
use sha1::{Digest, Sha1};

use crate::code::Code;
use crate::document::PassDocument;
use crate::error::Error;
use crate::finding::Finding;
use crate::path::PassPath;

pub use crate::verify::{IntermediateInfo, SignatureStatus, WwdrGeneration};

/// More entries than any real pass has (images × densities × languages stays far below this).
pub const MAX_ENTRIES: usize = 1_000;
/// Largest single file, uncompressed.
pub const MAX_ENTRY_BYTES: u64 = 50 * 1024 * 1024;
/// Largest total, uncompressed (also the largest `.pkpass` file accepted).
pub const MAX_TOTAL_BYTES: u64 = 200 * 1024 * 1024;
/// Entries above this size are checked for a zip-bomb compression ratio.
pub const BOMB_CHECK_MIN_BYTES: u64 = 1024 * 1024;
/// Uncompressed : compressed ratio above which a large entry counts as a zip bomb. Real PNGs
/// barely compress and JSON rarely passes 20:1.
pub const MAX_COMPRESSION_RATIO: u64 = 100;

pub use crate::error::ArchiveProblem;

/// A pass opened from disk or bytes.
#[derive(Debug, Clone)]
pub struct Opened {
    pub document: PassDocument,
    /// What was found about the package; `None` for a `.pass` folder (nothing is signed yet).
    pub package: Option<PackageReport>,
    /// For a `.pass` folder: what opening it finished or undid of an interrupted save, to tell
    /// the user.
    pub recovered: Vec<crate::folder::Recovery>,
}

/// Whether manifest.json matches the files in the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum ManifestStatus {
    /// Every file is listed with the right SHA-1 and nothing else is listed.
    Matches,
    /// Names of files whose hash differs, files not listed, and listed files that are absent.
    #[serde(rename_all = "camelCase")]
    Mismatch {
        differing: Vec<String>,
        missing_from_manifest: Vec<String>,
        missing_files: Vec<String>,
    },
    /// The package has no manifest.json.
    Missing,
    /// manifest.json is not a JSON object of file name → SHA-1 hex.
    Unreadable { reason: String },
}

/// What reading a `.pkpass` found out about its signature and contents.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageReport {
    pub signature: SignatureStatus,
    pub manifest: ManifestStatus,
    /// The WWDR intermediate embedded in the signature, if any.
    pub intermediate: Option<IntermediateInfo>,
    /// Every entry (including manifest.json and signature) with its uncompressed size, in archive order.
    pub files: Vec<(String, u64)>,
    /// The signer compared with pass.json's passTypeIdentifier / teamIdentifier.
    pub identity_findings: Vec<Finding>,
    /// The signer certificate has expired by now (the pass may still have been valid when signed).
    pub signer_expired: bool,
}

impl PackageReport {
    /// Problems with the package itself: a manifest that does not match or a signature that does
    /// not verify are errors (Wallet refuses the pass); an expired or unexpected intermediate alone
    /// is a warning.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = self.package_findings();
        out.extend(self.identity_findings.iter().cloned());
        out
    }

    /// The findings about the package itself (signature, manifest, intermediate), without the
    /// signer-versus-pass.json comparison.
    pub fn package_findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        match &self.signature {
            SignatureStatus::Valid { .. } => {}
            SignatureStatus::Invalid { reason } => out.push(Finding::new(
                Code::PackageSignatureInvalid,
                PassPath::Signature,
                format!("The signature does not verify: {reason}."),
                "Sign the pass again with the Pass Type ID certificate and its own private key (passmith build).",
            )),
            SignatureStatus::Missing => out.push(Finding::new(
                Code::PackageSignatureMissing,
                PassPath::Signature,
                "The package has no signature file; Wallet only accepts signed passes.",
                "Build the pass with passmith build and a Pass Type ID certificate.",
            )),
        }
        match &self.manifest {
            ManifestStatus::Matches => {}
            ManifestStatus::Missing => out.push(Finding::new(
                Code::PackageManifestMissing,
                PassPath::file("manifest.json"),
                "The package has no manifest.json; Wallet cannot check its files.",
                "Build the pass again with passmith build.",
            )),
            ManifestStatus::Unreadable { reason } => out.push(Finding::new(
                Code::PackageManifestInvalid,
                PassPath::file("manifest.json"),
                format!("manifest.json cannot be read: {reason}."),
                "Build the pass again with passmith build.",
            )),
            ManifestStatus::Mismatch {
                differing,
                missing_from_manifest,
                missing_files,
            } => {
                for name in differing {
                    out.push(Finding::new(
                        Code::PackageManifestMismatch,
                        PassPath::file(name.clone()),
                        format!("{name} was changed after the pass was signed: its SHA-1 does not match manifest.json."),
                        "Build and sign the pass again after editing files.",
                    ));
                }
                for name in missing_from_manifest {
                    out.push(Finding::new(
                        Code::PackageFileNotInManifest,
                        PassPath::file(name.clone()),
                        format!("{name} is in the package but not listed in manifest.json."),
                        "Build and sign the pass again so every file is listed.",
                    ));
                }
                for name in missing_files {
                    out.push(Finding::new(
                        Code::PackageFileMissing,
                        PassPath::file(name.clone()),
                        format!("manifest.json lists {name}, but the package does not contain it."),
                        "Build and sign the pass again from the complete pass folder.",
                    ));
                }
            }
        }
        if matches!(self.signature, SignatureStatus::Valid { .. }) {
            match &self.intermediate {
                None => out.push(Finding::new(
                    Code::PackageIntermediateMissing,
                    PassPath::Signature,
                    "The signature does not include Apple's WWDR intermediate certificate; Wallet rejects such passes.",
                    "Build the pass again; passmith includes Apple's WWDR G4 intermediate automatically.",
                )),
                Some(i) if i.expired => out.push(Finding::new(
                    Code::PackageIntermediateExpired,
                    PassPath::Signature,
                    format!(
                        "The signature carries the WWDR {} intermediate, which expired on {}. Passes already in Wallet keep working, but new ones signed this way are refused.",
                        i.generation, i.not_after
                    ),
                    "Sign new passes with a current Pass Type ID certificate and the WWDR G4 intermediate (passmith does this by default).",
                )),
                Some(i) if i.generation != WwdrGeneration::G4 => out.push(Finding::new(
                    Code::PackageIntermediateUnexpected,
                    PassPath::Signature,
                    format!(
                        "The signature carries the intermediate \"{}\" (generation {}); Pass Type ID certificates chain to WWDR G4.",
                        i.subject, i.generation
                    ),
                    "Sign with the WWDR G4 intermediate (passmith's default).",
                )),
                Some(i) if !i.is_apple => out.push(Finding::new(
                    Code::PackageIntermediateNotApple,
                    PassPath::Signature,
                    format!(
                        "The intermediate \"{}\" (serial {}) is not Apple's WWDR certificate; only test devices that trust it will accept the pass.",
                        i.subject, i.serial
                    ),
                    "For real passes, sign with an Apple-issued Pass Type ID certificate and Apple's WWDR G4.",
                )),
                Some(_) => {}
            }
            if self.signer_expired
                && let SignatureStatus::Valid { signer, .. } = &self.signature
            {
                out.push(Finding::new(
                    Code::PackageSignerExpired,
                    PassPath::Signature,
                    format!(
                        "The certificate that signed this pass (\"{}\") expired on {}.",
                        signer.subject,
                        crate::identity::format_unix_date(signer.not_after)
                    ),
                    "Re-sign the pass with a current Pass Type ID certificate before sending it to new users.",
                ));
            }
        }
        out
    }

    /// True when the signature verifies and the manifest matches.
    pub fn is_intact(&self) -> bool {
        matches!(self.signature, SignatureStatus::Valid { .. })
            && self.manifest == ManifestStatus::Matches
    }
}

/// Opens a `.pass` folder or a `.pkpass` file; a package's certificates are checked at `now_unix`.
/// A `.pkpasses` bundle is refused with [`ArchiveProblem::IsBundle`]; `bundle::open_path`
/// opens either.
pub fn open_path(path: &Path, now_unix: i64) -> Result<Opened, Error> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io("open", path, e))?;
    if meta.is_dir() {
        let folder = crate::folder::open_dir(path)?;
        return Ok(Opened {
            document: folder.document,
            package: None,
            recovered: folder.recovered,
        });
    }
    if meta.len() > MAX_TOTAL_BYTES {
        return Err(ArchiveProblem::TotalTooLarge { total: meta.len() }.into());
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    read_pkpass(&bytes, now_unix)
}

/// Reads a `.pkpass` from bytes, refusing anything unsafe, and checks manifest and signature.
/// `now_unix` (seconds since the Unix epoch) is when the embedded certificates must be valid.
pub fn read_pkpass(bytes: &[u8], now_unix: i64) -> Result<Opened, Error> {
    from_entries(read_entries(bytes)?, now_unix)
}

/// [`read_pkpass`] on entries already read (and checked) by [`read_entries`].
pub(crate) fn from_entries(
    entries: Vec<(String, Vec<u8>)>,
    now_unix: i64,
) -> Result<Opened, Error> {
    let files: Vec<(String, u64)> = entries
        .iter()
        .map(|(n, b)| (n.clone(), b.len() as u64))
        .collect();
    let mut map: BTreeMap<String, Vec<u8>> = entries.into_iter().collect();
    let manifest_bytes = map.remove("manifest.json");
    let signature_bytes = map.remove("signature");

    let manifest = match &manifest_bytes {
        None => ManifestStatus::Missing,
        Some(m) => check_manifest(m, &map),
    };
    let (signature, intermediate) = match (&signature_bytes, &manifest_bytes) {
        (None, _) => (SignatureStatus::Missing, None),
        (Some(_), None) => (
            SignatureStatus::Invalid {
                reason: "there is no manifest.json for it to sign".to_owned(),
            },
            None,
        ),
        (Some(sig), Some(m)) => {
            let check = crate::verify::check_signature(sig, m, now_unix);
            (check.status, check.intermediate)
        }
    };

    if !map.contains_key("pass.json") {
        let wrapped = map.keys().find_map(|k| {
            k.strip_suffix("/pass.json")
                .filter(|dir| !dir.contains('/'))
        });
        return Err(match wrapped {
            Some(folder) => ArchiveProblem::NotAtRoot {
                folder: folder.to_owned(),
            },
            None => match pass_names(map.keys()).len() {
                0 => ArchiveProblem::NoPassJson,
                passes => ArchiveProblem::IsBundle { passes },
            },
        }
        .into());
    }
    let document = PassDocument::from_files(map)?;
    let (identity_findings, signer_expired) = match &signature {
        SignatureStatus::Valid { signer, .. } => (
            signer.check_identifiers(&document.pass),
            signer.is_expired(now_unix),
        ),
        _ => (Vec::new(), false),
    };
    Ok(Opened {
        document,
        package: Some(PackageReport {
            signature,
            manifest,
            intermediate,
            files,
            identity_findings,
            signer_expired,
        }),
        recovered: Vec::new(),
    })
}

/// Compares manifest.json with the SHA-1 of each file.
fn check_manifest(manifest: &[u8], files: &BTreeMap<String, Vec<u8>>) -> ManifestStatus {
    let listed: BTreeMap<String, String> =
        match serde_json::from_slice::<serde_json::Value>(manifest) {
            Ok(serde_json::Value::Object(obj)) => {
                let mut out = BTreeMap::new();
                for (k, v) in obj {
                    match v {
                        serde_json::Value::String(s) => {
                            out.insert(k, s.to_ascii_lowercase());
                        }
                        _ => {
                            return ManifestStatus::Unreadable {
                                reason: format!("the entry for \"{k}\" is not a SHA-1 text"),
                            };
                        }
                    }
                }
                out
            }
            Ok(_) => {
                return ManifestStatus::Unreadable {
                    reason: "it is not a JSON object".to_owned(),
                };
            }
            Err(e) => {
                return ManifestStatus::Unreadable {
                    reason: format!(
                        "it is not valid JSON at line {}, column {}",
                        e.line(),
                        e.column()
                    ),
                };
            }
        };
    let mut differing = Vec::new();
    let mut missing_from_manifest = Vec::new();
    for (name, bytes) in files {
        match listed.get(name) {
            Some(hash) if *hash == sha1_hex(bytes) => {}
            Some(_) => differing.push(name.clone()),
            None => missing_from_manifest.push(name.clone()),
        }
    }
    let missing_files: Vec<String> = listed
        .keys()
        .filter(|k| !files.contains_key(*k))
        .cloned()
        .collect();
    if differing.is_empty() && missing_from_manifest.is_empty() && missing_files.is_empty() {
        ManifestStatus::Matches
    } else {
        ManifestStatus::Mismatch {
            differing,
            missing_from_manifest,
            missing_files,
        }
    }
}

/// SHA-1 of `bytes` as lower-case hex.
pub fn sha1_hex(bytes: &[u8]) -> String {
    hex::encode(Sha1::digest(bytes))
}

/// Checks one entry name: relative, `/`-separated, no `..`, no drive letters, no control
/// characters. Used both when reading and when writing packages.
pub fn check_entry_name(name: &str) -> Result<(), ArchiveProblem> {
    let owned = || name.to_owned();
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(ArchiveProblem::BadName { name: owned() });
    }
    if name.contains('\\') {
        return Err(ArchiveProblem::Backslash { name: owned() });
    }
    if name.starts_with('/') {
        return Err(ArchiveProblem::AbsolutePath { name: owned() });
    }
    let b = name.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Err(ArchiveProblem::DriveLetter { name: owned() });
    }
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    for part in trimmed.split('/') {
        if part == ".." {
            return Err(ArchiveProblem::PathTraversal { name: owned() });
        }
        if part.is_empty() || part == "." {
            return Err(ArchiveProblem::BadName { name: owned() });
        }
    }
    Ok(())
}

/// Unix file-type bits for a symbolic link.
const S_IFMT: u32 = 0o170_000;
const S_IFLNK: u32 = 0o120_000;

/// All file entries of a zip, by name, after every safety check. Directory entries are dropped.
pub fn read_entries(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, Error> {
    if bytes.len() as u64 > MAX_TOTAL_BYTES {
        return Err(ArchiveProblem::TotalTooLarge {
            total: bytes.len() as u64,
        }
        .into());
    }
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ArchiveProblem::NotAZip {
            reason: e.to_string(),
        })?;
    if zip.len() > MAX_ENTRIES {
        return Err(ArchiveProblem::TooManyEntries {
            count: zip.len(),
            max: MAX_ENTRIES,
        }
        .into());
    }
    // The zip reader keeps one entry per name, so it can only say that names repeat, not which.
    if zip.has_duplicate_names() {
        return Err(ArchiveProblem::DuplicateNames.into());
    }

    // Pass 1: metadata only, nothing decompressed.
    let mut plan: Vec<(usize, String, u64, u64)> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| ArchiveProblem::Corrupt {
            reason: e.to_string(),
        })?;
        let name = entry
            .name()
            .map_err(|e| ArchiveProblem::Corrupt {
                reason: e.to_string(),
            })?
            .into_owned();
        check_entry_name(&name)?;
        let is_link =
            entry.is_symlink() || entry.unix_mode().is_some_and(|m| m & S_IFMT == S_IFLNK);
        if is_link {
            return Err(ArchiveProblem::Symlink { name }.into());
        }
        if entry.is_dir() {
            continue;
        }
        if !seen.insert(name.clone()) {
            return Err(ArchiveProblem::Duplicate { name }.into());
        }
        if entry.encrypted() {
            return Err(ArchiveProblem::Encrypted { name }.into());
        }
        let size = entry.size();
        if size > MAX_ENTRY_BYTES {
            return Err(ArchiveProblem::EntryTooLarge { name, size }.into());
        }
        total = total.saturating_add(size);
        if total > MAX_TOTAL_BYTES {
            return Err(ArchiveProblem::TotalTooLarge { total }.into());
        }
        let compressed = entry.compressed_size().max(1);
        plan.push((i, name, size, compressed));
    }
    // Sizes first, then ratios: an archive that is simply too big says so, rather than "bomb".
    for (_, name, size, compressed) in &plan {
        if *size > BOMB_CHECK_MIN_BYTES && size / compressed > MAX_COMPRESSION_RATIO {
            return Err(ArchiveProblem::ZipBomb {
                name: name.clone(),
                ratio: size / compressed,
            }
            .into());
        }
    }

    // Pass 2: decompress, never more than each entry declared.
    let mut out = Vec::with_capacity(plan.len());
    for (i, name, size, _) in plan {
        let entry = zip.by_index(i).map_err(|e| ArchiveProblem::Corrupt {
            reason: format!("{name}: {e}"),
        })?;
        // Capacity is bounded by the limits checked above.
        let mut buf = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        let mut limited = entry.take(size.saturating_add(1));
        limited.read_to_end(&mut buf).map_err(|e| {
            let text = e.to_string().to_ascii_lowercase();
            if text.contains("larger than") {
                ArchiveProblem::SizeMismatch { name: name.clone() }
            } else if text.contains("crc") || text.contains("checksum") {
                ArchiveProblem::Corrupt {
                    reason: format!("{name} fails its checksum"),
                }
            } else {
                ArchiveProblem::Corrupt {
                    reason: format!("{name}: {e}"),
                }
            }
        })?;
        if buf.len() as u64 > size {
            return Err(ArchiveProblem::SizeMismatch { name }.into());
        }
        out.push((name, buf));
    }
    Ok(out)
}

/// The entries of an archive that are passes: `.pkpass` files at its top level. A bundle is an
/// archive with such entries and no `pass.json`.
pub fn pass_names<'a>(names: impl IntoIterator<Item = &'a String>) -> Vec<&'a str> {
    names
        .into_iter()
        .map(String::as_str)
        .filter(|n| !n.contains('/') && n.to_ascii_lowercase().ends_with(".pkpass"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_findings_use_package_codes() {
        let report = PackageReport {
            signature: SignatureStatus::Invalid { reason: "x".into() },
            manifest: ManifestStatus::Mismatch {
                differing: vec!["a.png".into()],
                missing_from_manifest: vec!["b.png".into()],
                missing_files: vec!["c.png".into()],
            },
            intermediate: None,
            files: Vec::new(),
            identity_findings: Vec::new(),
            signer_expired: false,
        };
        let mut findings = report.findings();
        let valid = PackageReport {
            signature: SignatureStatus::Valid {
                signer: crate::IdentitySummary::default(),
                signing_time: None,
            },
            manifest: ManifestStatus::Missing,
            signer_expired: true,
            ..report.clone()
        };
        findings.extend(valid.findings());
        assert!(findings.len() >= 7, "{findings:?}");
        for f in findings {
            assert_eq!(
                f.code.reporter(),
                crate::code::Reporter::Package,
                "{}",
                f.code
            );
        }
    }

    #[test]
    fn entry_names() {
        assert!(check_entry_name("icon.png").is_ok());
        assert!(check_entry_name("fr.lproj/pass.strings").is_ok());
        assert!(check_entry_name("fr.lproj/").is_ok());
        assert!(matches!(
            check_entry_name("../x"),
            Err(ArchiveProblem::PathTraversal { .. })
        ));
        assert!(matches!(
            check_entry_name("a/../../x"),
            Err(ArchiveProblem::PathTraversal { .. })
        ));
        assert!(matches!(
            check_entry_name("/etc/passwd"),
            Err(ArchiveProblem::AbsolutePath { .. })
        ));
        assert!(matches!(
            check_entry_name("..\\x"),
            Err(ArchiveProblem::Backslash { .. })
        ));
        assert!(matches!(
            check_entry_name("C:x.png"),
            Err(ArchiveProblem::DriveLetter { .. })
        ));
        assert!(matches!(
            check_entry_name("a//b"),
            Err(ArchiveProblem::BadName { .. })
        ));
        assert!(matches!(
            check_entry_name("a\0b"),
            Err(ArchiveProblem::BadName { .. })
        ));
    }

    #[test]
    fn manifest_comparison_names_each_problem() {
        let mut files = BTreeMap::new();
        files.insert("pass.json".to_owned(), b"{}".to_vec());
        files.insert("icon.png".to_owned(), b"png".to_vec());
        files.insert("extra.png".to_owned(), b"x".to_vec());
        let manifest = serde_json::json!({
            "pass.json": sha1_hex(b"{}"),
            "icon.png": sha1_hex(b"other"),
            "gone.png": sha1_hex(b"x"),
        });
        let status = check_manifest(manifest.to_string().as_bytes(), &files);
        assert_eq!(
            status,
            ManifestStatus::Mismatch {
                differing: vec!["icon.png".into()],
                missing_from_manifest: vec!["extra.png".into()],
                missing_files: vec!["gone.png".into()],
            }
        );
        files.remove("extra.png");
        let ok = serde_json::json!({"pass.json": sha1_hex(b"{}"), "icon.png": sha1_hex(b"png")});
        assert_eq!(
            check_manifest(ok.to_string().as_bytes(), &files),
            ManifestStatus::Matches
        );
        assert!(matches!(
            check_manifest(b"[1]", &files),
            ManifestStatus::Unreadable { .. }
        ));
    }
}
