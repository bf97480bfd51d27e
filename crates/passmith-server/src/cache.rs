//! Pass files recently served to Wallet, kept in memory and keyed by pass and update tag. A push
//! makes every device of a pass fetch it at nearly the same moment; with the cache the file is
//! read from the database once per version instead of once per device. The tag changes with
//! every new version, so an entry can never be stale; old versions are dropped when the cache
//! is full.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;

/// At most this many bytes of pass files are kept.
const MAX_BYTES: usize = 64 * 1024 * 1024;

#[derive(Default)]
pub struct PassCache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<(String, String), (i64, Bytes)>,
    bytes: usize,
}

impl PassCache {
    /// The file of this version of the pass, if cached.
    pub fn get(&self, pass_type: &str, serial: &str, update_seq: i64) -> Option<Bytes> {
        let inner = self.inner.lock().ok()?;
        // A lookup key without allocating would need a borrowed tuple type; passes are few
        // compared with requests, so two short strings per hit are fine.
        let (seq, data) = inner
            .entries
            .get(&(pass_type.to_owned(), serial.to_owned()))?;
        (*seq == update_seq).then(|| data.clone())
    }

    /// Remembers a version's file (replacing an older version of the same pass).
    pub fn put(&self, pass_type: &str, serial: &str, update_seq: i64, data: Bytes) {
        if data.len() > MAX_BYTES / 8 {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if inner.bytes + data.len() > MAX_BYTES {
            inner.entries.clear();
            inner.bytes = 0;
        }
        inner.bytes += data.len();
        if let Some((_, old)) = inner.entries.insert(
            (pass_type.to_owned(), serial.to_owned()),
            (update_seq, data),
        ) {
            inner.bytes -= old.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_cached_version_is_returned() {
        let c = PassCache::default();
        c.put("t", "s", 3, Bytes::from_static(b"v3"));
        assert_eq!(c.get("t", "s", 3).as_deref(), Some(&b"v3"[..]));
        assert_eq!(
            c.get("t", "s", 4),
            None,
            "a newer version is not in the cache"
        );
        c.put("t", "s", 4, Bytes::from_static(b"v4"));
        assert_eq!(c.get("t", "s", 3), None);
        assert_eq!(c.inner.lock().unwrap().bytes, 2);
    }
}
