//! The server's request bodies, through the functions its handlers call: the same bytes as
//! Wallet's registration body (`{"pushToken": …}`), as a device log body (`{"logs": [...]}`)
//! and as a management API upload (a `.pkpass`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use passmith_server::{pkpass, web};
use sha2::{Digest, Sha256};

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = web::parse_register_body(data) {
        assert!(!token.is_empty() && token.len() <= web::MAX_PUSH_TOKEN);
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
        // What a client writes for this token is read back as the same token.
        let body = serde_json::json!({ "pushToken": token }).to_string();
        assert_eq!(web::parse_register_body(body.as_bytes()).ok(), Some(token));
    }

    let logs = web::parse_log_body(data);
    assert!(logs.len() <= web::MAX_LOG_MESSAGES);
    assert!(
        logs.iter()
            .all(|m| m.chars().count() <= web::MAX_LOG_MESSAGE_CHARS)
    );
    // Messages already within the limits come back unchanged when sent again.
    let body = serde_json::json!({ "logs": logs }).to_string();
    assert_eq!(web::parse_log_body(body.as_bytes()), logs);

    if let Ok(pass) = pkpass::inspect(data) {
        assert!(pass.auth_token.chars().count() >= 16);
        assert!(!pass.pass_type_id.is_empty() && !pass.serial.is_empty());
        assert_eq!(pass.content_sha256, hex::encode(Sha256::digest(data)));
    }
});
