//! Prometheus counters, rendered as text at /metrics. A handful of fixed series, so plain
//! atomics and one small map are enough.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    pub pushes_sent: AtomicU64,
    pub pushes_failed: AtomicU64,
    pub pushes_retried: AtomicU64,
    pub pushes_skipped: AtomicU64,
    pub registrations_refused: AtomicU64,
    pub registrations_pruned: AtomicU64,
    pub pass_updates: AtomicU64,
    pub apns_halted: AtomicU64,
    pub rate_limited: AtomicU64,
    pub google_patched: AtomicU64,
    pub google_inserted: AtomicU64,
    pub google_retried: AtomicU64,
    pub google_failed: AtomicU64,
}

impl Metrics {
    pub fn request(&self, route: &str, status: u16) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((route.to_owned(), status)).or_default() += 1;
        }
    }

    pub fn render(&self, outbox_len: Option<i64>, google_pending: Option<i64>) -> String {
        let mut out = String::new();
        out.push_str("# HELP passmith_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE passmith_http_requests_total counter\n");
        if let Ok(m) = self.requests.lock() {
            for ((route, status), n) in m.iter() {
                let route = route.replace('\\', "\\\\").replace('"', "\\\"");
                let _ = writeln!(
                    out,
                    "passmith_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        let counters = [
            (
                "passmith_pushes_sent_total",
                "Pushes APNs accepted.",
                &self.pushes_sent,
            ),
            (
                "passmith_pushes_failed_total",
                "Pushes APNs rejected for good.",
                &self.pushes_failed,
            ),
            (
                "passmith_pushes_skipped_total",
                "Pushes not sent because no APNs certificate is configured.",
                &self.pushes_skipped,
            ),
            (
                "passmith_registrations_refused_total",
                "Registrations refused because the pass has --max-registrations-per-pass devices.",
                &self.registrations_refused,
            ),
            (
                "passmith_pushes_retried_total",
                "Pushes scheduled for another try.",
                &self.pushes_retried,
            ),
            (
                "passmith_registrations_pruned_total",
                "Pushes whose token APNs reported gone.",
                &self.registrations_pruned,
            ),
            (
                "passmith_pass_updates_total",
                "Uploads that changed a pass.",
                &self.pass_updates,
            ),
            (
                "passmith_rate_limited_total",
                "Requests refused by a rate limit (429).",
                &self.rate_limited,
            ),
        ];
        for (name, help, v) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                v.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP passmith_apns_halted 1 when APNs refused the certificate and sending stopped.\n# TYPE passmith_apns_halted gauge\npassmith_apns_halted {}",
            self.apns_halted.load(Ordering::Relaxed)
        );
        out.push_str("# HELP passmith_google_patches_total Google Wallet object syncs by result: patched, inserted (new on Google), retried (429, 5xx, no connection), failed (refused, or out of tries).\n# TYPE passmith_google_patches_total counter\n");
        for (result, v) in [
            ("patched", &self.google_patched),
            ("inserted", &self.google_inserted),
            ("retried", &self.google_retried),
            ("failed", &self.google_failed),
        ] {
            let _ = writeln!(
                out,
                "passmith_google_patches_total{{result=\"{result}\"}} {}",
                v.load(Ordering::Relaxed)
            );
        }
        if let Some(n) = google_pending {
            let _ = writeln!(
                out,
                "# HELP passmith_google_pending Google Wallet syncs waiting or being retried.\n# TYPE passmith_google_pending gauge\npassmith_google_pending {n}"
            );
        }
        if let Some(n) = outbox_len {
            let _ = writeln!(
                out,
                "# HELP passmith_outbox_pending Pushes waiting to be sent.\n# TYPE passmith_outbox_pending gauge\npassmith_outbox_pending {n}"
            );
        }
        out
    }
}
