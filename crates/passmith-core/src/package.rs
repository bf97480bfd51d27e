//! Turning a [`PassDocument`] into `.pkpass` bytes, and `.pkpass` files into a `.pkpasses` bundle.
//!
//! The package is a zip with every file at the root: the pass files, `manifest.json` (SHA-1 hex
//! of each of them) and `signature` (see [`crate::sign`]). Output is deterministic apart from
//! the signature's signing time: entries sorted by name, a fixed 1980-01-01 timestamp, PNGs stored
//! (they are already compressed), everything else deflated. Packages are only built through the
//! export gate, `export::prepare`, which validates first.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Seek, Write};

use openssl::x509::X509;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::archive::{MAX_ENTRIES, MAX_ENTRY_BYTES, MAX_TOTAL_BYTES, check_entry_name, sha1_hex};
use crate::document::{Entry, FileBytes, GENERATED_FILES, PassDocument};
use crate::error::Error;
use crate::identity::Identity;

/// Apple's limit for a `.pkpasses` bundle.
pub const MAX_BUNDLE_PASSES: usize = 10;
/// Apple's size limit for a `.pkpasses` bundle.
pub const MAX_BUNDLE_BYTES: u64 = 150 * 1024 * 1024;

/// MIME type of a `.pkpass`.
pub const PKPASS_MIME: &str = "application/vnd.apple.pkpass";
/// MIME type of a `.pkpasses` bundle.
pub const PKPASSES_MIME: &str = "application/vnd.apple.pkpasses";

/// SHA-1 hex of every file, keyed by its path. `manifest.json` and `signature` are never listed.
pub fn manifest(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, String> {
    files
        .iter()
        .filter(|(name, _)| !GENERATED_FILES.contains(&name.as_str()))
        .map(|(name, bytes)| (name.clone(), sha1_hex(bytes)))
        .collect()
}

/// The exact bytes of manifest.json for `files`.
pub fn manifest_bytes(files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<u8>, Error> {
    serde_json::to_vec_pretty(&manifest(files)).map_err(|e| Error::Package {
        reason: format!("could not write manifest.json: {e}"),
    })
}

/// SHA-1s of a design's shared files, worked out once: every pass of a batch that still shares
/// a file (the same [`FileBytes`] allocation, an `Arc` clone) reuses its hash instead of hashing
/// the image again.
#[derive(Debug, Default, Clone)]
pub struct SharedHashes(HashMap<String, (FileBytes, String)>);

impl SharedHashes {
    /// Hashes every file of `doc` (pass.json and strings tables are made per pass, so not here).
    pub fn of(doc: &PassDocument) -> SharedHashes {
        SharedHashes(
            doc.files
                .iter()
                .map(|(name, bytes)| (name.clone(), (bytes.clone(), sha1_hex(bytes))))
                .collect(),
        )
    }

    fn hash(&self, name: &str, entry: &Entry<'_>) -> String {
        if let Some(shared) = entry.shared
            && let Some((known, hash)) = self.0.get(name)
            && FileBytes::ptr_eq(known, shared)
        {
            return hash.clone();
        }
        sha1_hex(&entry.bytes)
    }
}

/// Writes a signed `.pkpass` of `doc` to `out`, streaming (no zip is held in memory).
/// `intermediates` are embedded in the signature ([`crate::sign::parse_intermediates`]); files
/// `hashes` already knows are not hashed again. Only the export gate calls this, after validation.
pub(crate) fn write_pkpass<W: Write + Seek>(
    doc: &PassDocument,
    identity: &Identity,
    intermediates: &[X509],
    hashes: &SharedHashes,
    out: W,
) -> Result<(), Error> {
    let mut entries = doc.package_entries()?;
    for generated in GENERATED_FILES {
        entries.remove(generated);
    }
    check_package_files(&entries)?;
    let manifest: BTreeMap<&str, String> = entries
        .iter()
        .map(|(name, entry)| (name.as_str(), hashes.hash(name, entry)))
        .collect();
    let manifest = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Package {
        reason: format!("could not write manifest.json: {e}"),
    })?;
    let signature = crate::sign::sign_manifest_with(&manifest, identity, intermediates)?;
    let mut files: BTreeMap<&str, &[u8]> = entries
        .iter()
        .map(|(name, entry)| (name.as_str(), &*entry.bytes))
        .collect();
    files.insert("manifest.json", &manifest);
    files.insert("signature", &signature);
    write_zip(files, out, |name| {
        if name.to_ascii_lowercase().ends_with(".png") {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        }
    })
}

/// Puts up to 10 `.pkpass` files (file name, bytes) into one `.pkpasses` bundle.
pub fn bundle_pkpasses(passes: &[(String, Vec<u8>)]) -> Result<Vec<u8>, Error> {
    if passes.is_empty() {
        return Err(Error::Package {
            reason: "a bundle needs at least one .pkpass".to_owned(),
        });
    }
    if passes.len() > MAX_BUNDLE_PASSES {
        return Err(Error::Package {
            reason: format!(
                "a .pkpasses bundle can hold at most {MAX_BUNDLE_PASSES} passes (Apple's limit), but {} were given; split them into several bundles",
                passes.len()
            ),
        });
    }
    let mut files = BTreeMap::new();
    let mut total: u64 = 0;
    for (name, bytes) in passes {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name).to_owned();
        let base = if base.to_ascii_lowercase().ends_with(".pkpass") {
            base
        } else {
            format!("{base}.pkpass")
        };
        check_entry_name(&base).map_err(|e| Error::Package {
            reason: format!("cannot use \"{name}\" as a name inside the bundle: {e}"),
        })?;
        total += bytes.len() as u64;
        if files.insert(base.clone(), bytes.clone()).is_some() {
            return Err(Error::Package {
                reason: format!(
                    "two passes are both named \"{base}\"; rename one so each name in the bundle is unique"
                ),
            });
        }
    }
    if total > MAX_BUNDLE_BYTES {
        return Err(Error::Package {
            reason: format!(
                "the passes add up to {total} bytes; a .pkpasses bundle may be at most 150 MB"
            ),
        });
    }
    // .pkpass files are zips already; compressing them again gains nothing.
    let mut out = Cursor::new(Vec::new());
    let entries = files.iter().map(|(n, b)| (n.as_str(), b.as_slice()));
    write_zip(entries, &mut out, |_| CompressionMethod::Stored)?;
    Ok(out.into_inner())
}

/// Refuses file sets we would refuse to read back.
fn check_package_files(files: &BTreeMap<String, Entry<'_>>) -> Result<(), Error> {
    if files.len() + GENERATED_FILES.len() > MAX_ENTRIES {
        return Err(Error::Package {
            reason: format!(
                "the pass has {} files; a pass may have at most {MAX_ENTRIES}",
                files.len()
            ),
        });
    }
    let mut total: u64 = 0;
    for (name, entry) in files {
        check_entry_name(name).map_err(|e| Error::Package {
            reason: format!("the file name \"{name}\" cannot go into a pass: {e}"),
        })?;
        let size = entry.bytes.len() as u64;
        if size > MAX_ENTRY_BYTES {
            return Err(Error::Package {
                reason: format!("{name} is {size} bytes; a file in a pass may be at most 50 MB"),
            });
        }
        total += size;
    }
    if total > MAX_TOTAL_BYTES {
        return Err(Error::Package {
            reason: format!("the pass files add up to {total} bytes; a pass may be at most 200 MB"),
        });
    }
    Ok(())
}

/// Writes `files` (in the order given: sorted by name) as a zip with fixed timestamps to `out`.
fn write_zip<'a, W: Write + Seek>(
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    out: W,
    method: impl Fn(&str) -> CompressionMethod,
) -> Result<(), Error> {
    let zip_error = |e: zip::result::ZipError| Error::Package {
        reason: format!("could not write the archive: {e}"),
    };
    let mut zip = ZipWriter::new(out);
    for (name, bytes) in files {
        let options = SimpleFileOptions::default()
            .compression_method(method(name))
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644);
        zip.start_file(name, options).map_err(zip_error)?;
        zip.write_all(bytes).map_err(|e| Error::Package {
            reason: format!("could not write {name} into the archive: {e}"),
        })?;
    }
    let mut out = zip.finish().map_err(zip_error)?;
    out.flush().map_err(|e| Error::Package {
        reason: format!("could not write the archive: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_skips_generated_files_and_hashes_the_rest() {
        let mut files = BTreeMap::new();
        files.insert("pass.json".to_owned(), b"abc".to_vec());
        files.insert("fr.lproj/pass.strings".to_owned(), b"".to_vec());
        files.insert("signature".to_owned(), b"x".to_vec());
        let m = manifest(&files);
        assert_eq!(m.len(), 2);
        // SHA-1("abc") and SHA-1("") from FIPS 180 test vectors.
        assert_eq!(m["pass.json"], "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            m["fr.lproj/pass.strings"],
            "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        );
    }

    #[test]
    fn bundles_are_limited_to_ten_passes_with_unique_names() {
        let passes: Vec<(String, Vec<u8>)> = (0..11)
            .map(|i| (format!("p{i}.pkpass"), vec![1, 2, 3]))
            .collect();
        let err = bundle_pkpasses(&passes).unwrap_err().to_string();
        assert!(err.contains("at most 10"), "{err}");
        assert!(bundle_pkpasses(&passes[..10]).is_ok());
        let dup = vec![
            ("a/x.pkpass".to_owned(), vec![1]),
            ("b/x.pkpass".to_owned(), vec![2]),
        ];
        assert!(
            bundle_pkpasses(&dup)
                .unwrap_err()
                .to_string()
                .contains("both named")
        );
        assert!(bundle_pkpasses(&[]).is_err());
    }
}
