//! Building one message per manifest row with lettre's builder: multipart/mixed holding the
//! body (text, or multipart/alternative of text and HTML) and the pass as an attachment.
//! lettre encodes non-ASCII headers per RFC 2047 and picks the body transfer encoding.

use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use super::manifest::{Entry, Manifest};
use super::template::{Part, Template, escape_html, one_line, verbatim};
use super::{MailError, RowProblem};

/// The media type of a single pass.
pub const PKPASS_TYPE: &str = "application/vnd.apple.pkpass";
/// The media type of a `.pkpasses` bundle.
pub const PKPASSES_TYPE: &str = "application/vnd.apple.pkpasses";

/// What every message has in common.
#[derive(Debug, Clone)]
pub struct Letter {
    pub from: Mailbox,
    pub reply_to: Option<Mailbox>,
    /// The manifest column holding each recipient (`Name <addr>` or a bare address).
    pub to_column: String,
    pub subject: Template,
    pub text: Template,
    pub html: Option<Template>,
}

/// Parses an address the way the flags and the manifest give it.
pub fn parse_mailbox(text: &str) -> Result<Mailbox, String> {
    text.trim()
        .parse::<Mailbox>()
        .map_err(|e| format!("{:?} is not an e-mail address ({e})", text.trim()))
}

impl Letter {
    /// `from` and `reply_to` as given on the command line; the templates' texts.
    pub fn new(
        from: &str,
        reply_to: Option<&str>,
        to_column: &str,
        subject: &str,
        text: &str,
        html: Option<&str>,
    ) -> Result<Letter, MailError> {
        let from = parse_mailbox(from).map_err(|reason| MailError::Address {
            what: "--from".into(),
            reason,
        })?;
        let reply_to = reply_to
            .map(|r| {
                parse_mailbox(r).map_err(|reason| MailError::Address {
                    what: "--reply-to".into(),
                    reason,
                })
            })
            .transpose()?;
        Ok(Letter {
            from,
            reply_to,
            to_column: to_column.to_owned(),
            subject: Template::parse(Part::Subject, subject),
            text: Template::parse(Part::Text, text),
            html: html.map(|h| Template::parse(Part::Html, h)),
        })
    }

    /// Checks the letter against the manifest before anything is sent: the recipient column
    /// exists and every placeholder names a column.
    pub fn check(&self, manifest: &Manifest) -> Result<(), MailError> {
        if !manifest.columns.iter().any(|c| c == &self.to_column) {
            return Err(MailError::NoRecipientColumn {
                column: self.to_column.clone(),
                columns: manifest.columns.join(", "),
            });
        }
        self.subject.check(&manifest.columns)?;
        self.text.check(&manifest.columns)?;
        if let Some(html) = &self.html {
            html.check(&manifest.columns)?;
        }
        Ok(())
    }

    /// The recipient of `entry`, or what is wrong with its cell.
    pub fn recipient(&self, manifest: &Manifest, entry: &Entry) -> Result<Mailbox, RowProblem> {
        let cell = manifest.value(entry, &self.to_column).unwrap_or("").trim();
        let problem = |reason: String| RowProblem {
            row: entry.row,
            line: entry.line,
            serial: entry.serial.clone(),
            reason,
        };
        if cell.is_empty() {
            return Err(problem(format!(
                "the {} column is empty; fill in the recipient's address or remove the line",
                self.to_column
            )));
        }
        parse_mailbox(cell).map_err(|reason| {
            problem(format!(
                "{reason} in the {} column; write it as name@example.com or \"Name <name@example.com>\"",
                self.to_column
            ))
        })
    }

    /// The message for `entry`, with the pass bytes attached under `<serial>.pkpass`.
    pub fn compose(
        &self,
        manifest: &Manifest,
        entry: &Entry,
        to: Mailbox,
        message_id: &str,
        pass: Vec<u8>,
    ) -> Result<Message, MailError> {
        let value = |column: &str| manifest.value(entry, column);
        let subject = self.subject.fill(value, one_line);
        let text = self.text.fill(value, verbatim);
        let body = match &self.html {
            Some(html) => MultiPart::alternative_plain_html(text, html.fill(value, escape_html)),
            None => MultiPart::mixed().singlepart(SinglePart::plain(text)),
        };
        let (media_type, extension) = if entry.file.to_ascii_lowercase().ends_with(".pkpasses") {
            (PKPASSES_TYPE, "pkpasses")
        } else {
            (PKPASS_TYPE, "pkpass")
        };
        let content_type = ContentType::parse(media_type).map_err(|e| MailError::Build {
            row: entry.row,
            reason: e.to_string(),
        })?;
        let attachment = Attachment::new(format!("{}.{extension}", file_stem(&entry.serial)))
            .body(pass, content_type);
        let mixed = match &self.html {
            Some(_) => MultiPart::mixed().multipart(body).singlepart(attachment),
            None => body.singlepart(attachment),
        };
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(message_id.to_owned()));
        if let Some(reply_to) = &self.reply_to {
            builder = builder.reply_to(reply_to.clone());
        }
        builder.multipart(mixed).map_err(|e| MailError::Build {
            row: entry.row,
            reason: e.to_string(),
        })
    }
}

/// A serial as a file name: characters that a file system or a mail client would trip on
/// become `-`.
pub fn file_stem(serial: &str) -> String {
    let stem: String = serial
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '-'
            } else {
                c
            }
        })
        .collect();
    let stem = stem.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if stem.is_empty() {
        "pass".to_owned()
    } else {
        stem.to_owned()
    }
}

/// A new Message-ID, `<32 random hex digits@domain of from>`, made before sending so the log
/// can record it.
pub fn new_message_id(from: &Mailbox) -> Result<String, MailError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| MailError::Build {
        row: 0,
        reason: format!("no random numbers for a Message-ID ({e})"),
    })?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("<{hex}@{}>", from.email.domain()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::path::Path;

    use super::*;

    fn manifest() -> Manifest {
        Manifest::parse(
            Path::new("out/manifest.csv"),
            "row,serial,file,token,email,name\n1,S/1,S1.pkpass,,Zoë Müller <zoe@example.com>,Zoë <Müller>\n2,S2,S2.pkpass,,not an address,Bo\n3,S3,S3.pkpass,,,Cy\n"
                .as_bytes(),
        )
        .unwrap()
    }

    #[test]
    fn a_message_is_mixed_with_alternative_bodies_and_the_pass() {
        let m = manifest();
        let letter = Letter::new(
            "Passmith <passes@example.com>",
            Some("help@example.com"),
            "email",
            "Your pass, {{name}}",
            "Hello {{name}}",
            Some("<p>Hello {{name}}</p>"),
        )
        .unwrap();
        letter.check(&m).unwrap();
        let entry = &m.entries[0];
        let to = letter.recipient(&m, entry).unwrap();
        let id = new_message_id(&letter.from).unwrap();
        assert!(id.ends_with("@example.com>") && id.len() == 46, "{id}");
        let msg = letter
            .compose(&m, entry, to, &id, b"PK-pass-bytes".to_vec())
            .unwrap();
        let text = String::from_utf8(msg.formatted()).unwrap();
        assert!(text.is_ascii(), "every header and body is encoded: {text}");
        assert!(text.contains("Content-Type: multipart/mixed"), "{text}");
        assert!(
            text.contains("Content-Type: multipart/alternative"),
            "{text}"
        );
        assert!(
            text.contains("Content-Type: application/vnd.apple.pkpass"),
            "{text}"
        );
        assert!(text.contains("filename=\"S-1.pkpass\""), "{text}");
        assert!(text.contains(&format!("Message-ID: {id}")), "{text}");
        assert!(text.contains("Reply-To: help@example.com"), "{text}");
        assert!(text.contains("Subject: Your pass, =?utf-8?b?"), "{text}");
    }

    #[test]
    fn bad_recipients_name_the_row_line_and_the_fix() {
        let m = manifest();
        let letter = Letter::new("a@example.com", None, "email", "s", "b", None).unwrap();
        let bad = letter.recipient(&m, &m.entries[1]).unwrap_err();
        assert_eq!((bad.row, bad.line), (2, 3));
        assert!(bad.reason.contains("\"not an address\""), "{}", bad.reason);
        let empty = letter.recipient(&m, &m.entries[2]).unwrap_err();
        assert!(
            empty.reason.contains("email column is empty"),
            "{}",
            empty.reason
        );
        let err = Letter::new("a@example.com", None, "mail", "s", "b", None)
            .unwrap()
            .check(&m)
            .unwrap_err();
        assert!(err.to_string().contains("\"mail\""), "{err}");
        assert!(Letter::new("nobody", None, "email", "s", "b", None).is_err());
    }

    #[test]
    fn a_bundle_goes_as_pkpasses() {
        let m = Manifest::parse(
            Path::new("m.csv"),
            b"serial,file,email\nB1,passes-0001.pkpasses,a@example.com\n",
        )
        .unwrap();
        let letter = Letter::new("a@example.com", None, "email", "s", "b", None).unwrap();
        let to = letter.recipient(&m, &m.entries[0]).unwrap();
        let msg = letter
            .compose(&m, &m.entries[0], to, "<x@example.com>", vec![1, 2, 3])
            .unwrap();
        let text = String::from_utf8(msg.formatted()).unwrap();
        assert!(
            text.contains("Content-Type: application/vnd.apple.pkpasses"),
            "{text}"
        );
        assert!(text.contains("filename=\"B1.pkpasses\""), "{text}");
    }
}
