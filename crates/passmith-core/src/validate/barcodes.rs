//! Barcodes (the `barcodes` array and the legacy `barcode`) and the NFC dictionary.

use super::quote;
use crate::code::Code;
use crate::document::PassDocument;
use crate::finding::Finding;
use crate::model::{Barcode, BarcodeFormat};
use crate::path::PassPath;

/// Wallet truncates longer NFC messages.
const NFC_MAX_BYTES: usize = 64;

pub(super) fn check(doc: &PassDocument, out: &mut Vec<Finding>) {
    let pass = &doc.pass;
    for (i, b) in pass.barcodes.iter().flatten().enumerate() {
        barcode(b, &PassPath::barcode(i), out);
    }
    if let Some(b) = &pass.barcode {
        barcode(b, &PassPath::legacy_barcode(), out);
        if b.format == BarcodeFormat::Code128 {
            out.push(Finding::new(
                Code::BarcodeLegacyCode128,
                PassPath::legacy_barcode().join("format"),
                "Code 128 barcodes are only allowed in the “barcodes” list, not in the old single “barcode” key.",
                "Move the barcode into the barcodes list, or use QR, PDF417 or Aztec.",
            ));
        }
    }
    if let Some(nfc) = &pass.nfc {
        if nfc.message.is_empty() {
            out.push(Finding::new(
                Code::NfcMessageMissing,
                PassPath::key("nfc").join("message"),
                "The NFC settings have no message for the reader.",
                "Enter the message your NFC terminal expects, or remove NFC.",
            ));
        } else if nfc.message.len() > NFC_MAX_BYTES {
            out.push(Finding::new(
                Code::NfcMessageTooLong,
                PassPath::key("nfc").join("message"),
                format!(
                    "The NFC message is {} bytes long; Wallet sends only the first {NFC_MAX_BYTES}, so the reader gets a cut-off message.",
                    nfc.message.len()
                ),
                format!("Shorten the NFC message to at most {NFC_MAX_BYTES} bytes (letters outside A–Z can take 2–4 bytes each)."),
            ));
        }
        if nfc
            .encryption_public_key
            .as_deref()
            .is_none_or(|k| k.trim().is_empty())
        {
            out.push(Finding::new(
                Code::NfcPublicKeyMissing,
                PassPath::key("nfc").join("encryptionPublicKey"),
                "The NFC settings have no encryption public key; Wallet needs it to talk to the reader.",
                "Paste the Base64 public key your NFC terminal provider gave you.",
            ));
        }
    }
}

fn barcode(b: &Barcode, path: &PassPath, out: &mut Vec<Finding>) {
    match &b.format {
        BarcodeFormat::Other(s) if s.is_empty() => out.push(Finding::new(
            Code::BarcodeFormatMissing,
            path.join("format"),
            "The barcode has no type.",
            "Choose QR code, PDF417, Aztec or Code 128.",
        )),
        BarcodeFormat::Other(s) => out.push(Finding::new(
            Code::EnumUnknown,
            path.join("format"),
            format!("The barcode type {} is not one Wallet knows.", quote(s)),
            format!(
                "Use one of: {}.",
                BarcodeFormat::ALL
                    .iter()
                    .map(BarcodeFormat::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
        _ => {}
    }
    if b.message.is_empty() {
        out.push(Finding::new(
            Code::BarcodeMessageMissing,
            path.join("message"),
            "The barcode has no content, so there is nothing to scan.",
            "Enter the text the barcode should contain, e.g. the customer's member number.",
        ));
    }
    if b.format == BarcodeFormat::Code128
        && let Some(c) = b.message.chars().find(|c| !c.is_ascii())
    {
        out.push(Finding::new(
            Code::BarcodeCode128Charset,
            path.join("message"),
            format!("A Code 128 barcode can only hold plain English letters, digits and symbols, not “{c}”."),
            "Remove the special characters, or use a QR code, which can hold any text.",
        ));
    }
    let enc = b.message_encoding.trim();
    if enc.is_empty() {
        out.push(Finding::new(
            Code::BarcodeEncodingMissing,
            path.join("messageEncoding"),
            "The barcode does not say how its text is encoded; Wallet needs this.",
            "Set the encoding to iso-8859-1 (Apple's usual choice) or utf-8.",
        ));
        return;
    }
    match encodable(&b.message, enc) {
        Encodable::Yes => {}
        Encodable::UnknownEncoding => out.push(Finding::new(
            Code::BarcodeEncodingUnknown,
            path.join("messageEncoding"),
            format!("Passmith does not know the text encoding {}, so it cannot check the barcode content.", quote(enc)),
            "Use iso-8859-1 or utf-8 unless your scanner needs something else.",
        )),
        Encodable::No(c) => out.push(Finding::new(
            Code::BarcodeUnencodable,
            path.join("message"),
            format!("The barcode text contains “{c}”, which the encoding {} cannot hold.", quote(enc)),
            "Change the encoding to utf-8, or remove the character.",
        )),
    }
}

enum Encodable {
    Yes,
    No(char),
    UnknownEncoding,
}

/// Whether `message` can be written in the IANA charset `label`.
fn encodable(message: &str, label: &str) -> Encodable {
    let label = label.to_ascii_lowercase();
    let first_over = |max: u32| message.chars().find(|c| u32::from(*c) > max);
    // Real ISO-8859-1 (what Wallet uses) is not windows-1252, which the WHATWG tables
    // behind encoding_rs substitute for it, so the Latin-1 and ASCII families are handled here.
    match label.as_str() {
        "iso-8859-1" | "iso8859-1" | "iso_8859-1" | "latin1" | "latin-1" | "l1" | "iso-latin-1"
        | "cp819" => {
            return first_over(0xFF).map_or(Encodable::Yes, Encodable::No);
        }
        "us-ascii" | "ascii" | "us_ascii" | "iso646-us" => {
            return first_over(0x7F).map_or(Encodable::Yes, Encodable::No);
        }
        "utf-8" | "utf8" | "utf-16" | "utf-16le" | "utf-16be" | "utf16" | "utf-32" | "utf-32le"
        | "utf-32be" => {
            return Encodable::Yes;
        }
        _ => {}
    }
    let Some(encoding) = encoding_rs::Encoding::for_label(label.as_bytes()) else {
        return Encodable::UnknownEncoding;
    };
    if encoding == encoding_rs::UTF_8
        || encoding == encoding_rs::UTF_16LE
        || encoding == encoding_rs::UTF_16BE
    {
        return Encodable::Yes;
    }
    if encoding == encoding_rs::REPLACEMENT || encoding.output_encoding() != encoding {
        return Encodable::UnknownEncoding;
    }
    // Find the first character that does not survive, to name it.
    for c in message.chars() {
        let mut buf = [0u8; 4];
        let (_, _, unmappable) = encoding.encode(c.encode_utf8(&mut buf));
        if unmappable {
            return Encodable::No(c);
        }
    }
    Encodable::Yes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(m: &str, e: &str) -> bool {
        matches!(encodable(m, e), Encodable::Yes)
    }

    #[test]
    fn encodings() {
        assert!(ok("Café", "iso-8859-1"));
        assert!(ok("Café", "ISO-8859-1"));
        assert!(!ok("€5", "iso-8859-1"));
        assert!(ok("€5", "windows-1252"));
        assert!(ok("€5", "cp1252"));
        assert!(!ok("Ω", "windows-1252"));
        assert!(ok("Ω 日本", "utf-8"));
        assert!(!ok("é", "us-ascii"));
        assert!(ok("日本", "shift_jis"));
        assert!(matches!(
            encodable("x", "klingon-1"),
            Encodable::UnknownEncoding
        ));
    }
}
