//! Per-key rate limiting for the device-facing endpoints. Keys are the device library ID for
//! register, list and unregister (the device is in the path) and the pass (type + serial) for
//! fetching a pass, never the client IP: many phones share one carrier NAT address. A pass
//! shared by many devices (one serial on thousands of phones) needs a higher `--rate-limit`.

use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

pub struct Limiter {
    inner: Option<DefaultKeyedRateLimiter<String>>,
}

impl Limiter {
    /// `per_minute` requests per key per minute, with the same number as burst (a push makes a
    /// device list once and fetch each changed pass right away). 0 disables limiting.
    pub fn new(per_minute: u32) -> Limiter {
        let inner = NonZeroU32::new(per_minute)
            .map(|n| RateLimiter::keyed(Quota::per_minute(n).allow_burst(n)));
        Limiter { inner }
    }

    /// True when the request may proceed.
    pub fn check(&self, key: String) -> bool {
        match &self.inner {
            Some(l) => {
                let ok = l.check_key(&key).is_ok();
                if l.len() > 100_000 {
                    l.retain_recent();
                }
                ok
            }
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_key() {
        let l = Limiter::new(3);
        for _ in 0..3 {
            assert!(l.check("dev:a".into()));
        }
        assert!(!l.check("dev:a".into()));
        assert!(l.check("dev:b".into()), "another key has its own budget");
        let off = Limiter::new(0);
        assert!((0..1000).all(|_| off.check("x".into())));
    }
}
