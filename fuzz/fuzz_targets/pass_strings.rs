//! `pass.strings` tables in any encoding Wallet accepts: decoding, the `"key" = "value";` parser
//! with its comments and escapes, and the writer: a table that parses must come back unchanged
//! after Passmith writes it (UTF-16LE) and reads it again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passmith_core::strings;

fuzz_target!(|data: &[u8]| {
    let Ok(table) = strings::parse(data, "fr.lproj/pass.strings") else {
        return;
    };
    let written = strings::to_utf16le_bytes(&table);
    let back = strings::parse(&written, "fr.lproj/pass.strings")
        .expect("what Passmith writes, it reads back");
    assert_eq!(
        back, table,
        "a pass.strings table changed on its way through a save"
    );
});
