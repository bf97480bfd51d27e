//! passmith-server's integration tests, one binary with a module per topic: the real server
//! binary on 127.0.0.1, a simulated Wallet device and a fake HTTP/2 APNs (helpers in `util`).
//! Every test runs on SQLite, and on PostgreSQL too when PASSMITH_TEST_POSTGRES_URL is set.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

mod concurrency;
mod crash;
mod google;
mod handshake;
mod limits;
mod ops;
mod push;
mod security;
mod share;
