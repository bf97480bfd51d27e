//! Rate limits for the device-facing endpoints, each with its own budget so that one kind of
//! traffic can never use up another's:
//!
//! - authenticated device requests: per device library ID for register, unregister and list
//!   (the device is in the path), per pass (type + serial) for fetching a pass (`--rate-limit`);
//! - registrations per pass (`--register-rate-limit`): one pass's token is inside every copy of
//!   the pass, so it must not let anyone register thousands of fake devices at once;
//! - failed authentications, per client address and per pass (`--auth-fail-limit`). They are
//!   counted only after the token was checked, so they never touch the budgets above: a flood
//!   of wrong tokens gets 429s while the pass's real devices keep getting 200;
//! - download links (`/p/<id>…`), per link (`--share-rate-limit`).
//!
//! Never keyed by client address alone for real devices: many phones share one carrier NAT
//! address, and behind a reverse proxy every request comes from the proxy.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;
use crate::metrics::Metrics;

/// One keyed budget: `per_minute` requests per key, with the same number as burst (a push makes
/// a device list once and fetch each changed pass right away). 0 disables it.
pub struct Budget {
    inner: Option<DefaultKeyedRateLimiter<String>>,
}

impl Budget {
    pub fn new(per_minute: u32) -> Budget {
        let inner = NonZeroU32::new(per_minute)
            .map(|n| RateLimiter::keyed(Quota::per_minute(n).allow_burst(n)));
        Budget { inner }
    }

    /// True when the request may proceed (and spends one unit of the key's budget).
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

/// Per-minute settings of [`Limits`]; 0 switches a budget off.
#[derive(Debug, Clone, Copy)]
pub struct LimitSettings {
    pub device: u32,
    pub register_per_pass: u32,
    pub auth_failures: u32,
    /// Requests per download link (`--share-rate-limit`).
    pub share_per_link: u32,
}

/// All budgets of the web service, and how often one refused a request.
pub struct Limits {
    device: Budget,
    pass_fetch: Budget,
    register_per_pass: Budget,
    fail_per_addr: Budget,
    fail_per_pass: Budget,
    share_per_link: Budget,
    metrics: Arc<Metrics>,
}

impl Limits {
    pub fn new(s: LimitSettings, metrics: Arc<Metrics>) -> Limits {
        Limits {
            device: Budget::new(s.device),
            pass_fetch: Budget::new(s.device),
            register_per_pass: Budget::new(s.register_per_pass),
            fail_per_addr: Budget::new(s.auth_failures),
            // A pass is attacked from many addresses at once; its own failure budget is larger
            // so that one address alone cannot exhaust it.
            fail_per_pass: Budget::new(s.auth_failures.saturating_mul(10)),
            share_per_link: Budget::new(s.share_per_link),
            metrics,
        }
    }

    fn verdict(&self, ok: bool) -> Result<(), ApiError> {
        if ok {
            Ok(())
        } else {
            self.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
            Err(ApiError::TooManyRequests)
        }
    }

    /// An authenticated (or, for list, token-less) request of one device.
    pub fn device(&self, device: &str) -> Result<(), ApiError> {
        self.verdict(self.device.check(format!("device:{device}")))
    }

    /// An authenticated fetch of one pass.
    pub fn fetch(&self, pass_type: &str, serial: &str) -> Result<(), ApiError> {
        self.verdict(self.pass_fetch.check(format!("{pass_type}/{serial}")))
    }

    /// A registration (new or refreshed) for one pass.
    pub fn register(&self, pass_type: &str, serial: &str) -> Result<(), ApiError> {
        self.verdict(
            self.register_per_pass
                .check(format!("{pass_type}/{serial}")),
        )
    }

    /// A request for a download link, keyed by the hash of its id (the id itself is a secret
    /// and is kept out of memory dumps of the limiter).
    pub fn share(&self, link_sha256: &str) -> Result<(), ApiError> {
        self.verdict(self.share_per_link.check(format!("share:{link_sha256}")))
    }

    /// A failed authentication: the error to answer with (429 once either the address or the
    /// pass has failed too often, 401 before).
    pub fn failed_auth(&self, addr: Option<IpAddr>, pass_type: &str, serial: &str) -> ApiError {
        let by_addr = match addr {
            Some(a) => self.fail_per_addr.check(a.to_string()),
            None => true,
        };
        let by_pass = self.fail_per_pass.check(format!("{pass_type}/{serial}"));
        if by_addr && by_pass {
            ApiError::PassUnauthorized
        } else {
            self.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
            ApiError::TooManyRequests
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_key() {
        let l = Budget::new(3);
        for _ in 0..3 {
            assert!(l.check("dev:a".into()));
        }
        assert!(!l.check("dev:a".into()));
        assert!(l.check("dev:b".into()), "another key has its own budget");
        let off = Budget::new(0);
        assert!((0..1000).all(|_| off.check("x".into())));
    }

    #[test]
    fn failed_authentications_do_not_spend_the_fetch_budget() {
        let l = Limits::new(
            LimitSettings {
                device: 5,
                register_per_pass: 5,
                auth_failures: 3,
                share_per_link: 3,
            },
            Arc::default(),
        );
        let addr = Some(IpAddr::from([127, 0, 0, 1]));
        let answers: Vec<_> = (0..100)
            .map(|_| matches!(l.failed_auth(addr, "t", "s"), ApiError::TooManyRequests))
            .collect();
        assert!(
            !answers[0] && answers[99],
            "401 first, 429 once over budget"
        );
        assert!((0..5).all(|_| l.fetch("t", "s").is_ok()));
        assert!(l.fetch("t", "s").is_err());
    }
}
