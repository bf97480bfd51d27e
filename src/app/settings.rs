//! Settings that persist between runs through eframe's storage: recent files, the last
//! certificate and WWDR paths, the theme, the update server's URL. Never passwords or API keys:
//! those go to the OS keychain only.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

const MAX_RECENT: usize = 10;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Most recent first.
    pub recent: Vec<PathBuf>,
    pub last_certificate: Option<PathBuf>,
    pub last_wwdr: Option<PathBuf>,
    /// Whether the user chose to keep the certificate password in the OS keychain.
    pub remember_password: bool,
    /// `None`: follow the system.
    pub dark_mode: Option<bool>,
    /// The update server's base URL (its API key lives in the OS keychain, never here).
    pub server_url: String,
    /// The server's web service path prefix (empty means `/`).
    pub server_path_prefix: String,
    /// The language last chosen in the preview: preferred over the system's for every pass
    /// that has it.
    pub preview_language: Option<String>,
    /// "Send by e-mail…": the server, the sender and the message templates (the SMTP password
    /// lives in the OS keychain, never here).
    pub mail: MailSettings,
}

/// The e-mail settings of "Send by e-mail…". No password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MailSettings {
    pub smtp_host: String,
    pub smtp_port: u16,
    pub security: crate::mail::Security,
    /// The login user; empty means no login.
    pub smtp_user: String,
    /// "Name <address>" or an address.
    pub from: String,
    /// Empty means replies go to `from`.
    pub reply_to: String,
    /// The manifest column with each recipient's address.
    pub to_column: String,
    pub subject: String,
    pub body: String,
    /// The HTML body sent beside `body`; empty: text only.
    pub html_body: String,
    /// A PEM file of CA certificates to trust besides the system's; empty: the system's only.
    pub ca_file: String,
    /// At most this many messages a minute; 0: no limit.
    pub per_minute: u32,
    /// Messages sent at the same time, each over its own connection.
    pub concurrency: usize,
}

impl Default for MailSettings {
    fn default() -> MailSettings {
        MailSettings {
            smtp_host: String::new(),
            smtp_port: crate::mail::Security::default().default_port(),
            security: crate::mail::Security::default(),
            smtp_user: String::new(),
            from: String::new(),
            reply_to: String::new(),
            to_column: "email".to_owned(),
            subject: "Your pass, {{name}}".to_owned(),
            body: "Hello {{name}},\n\nyour pass is attached: open it on your iPhone to add it to Wallet.\n"
                .to_owned(),
            html_body: String::new(),
            ca_file: String::new(),
            per_minute: 0,
            concurrency: 4,
        }
    }
}

impl Settings {
    /// The settings the designer saved last (eframe's `app.ron` in the platform's data folder,
    /// `$XDG_DATA_HOME/passmith` on Linux), for the command line. `Ok(None)` when the designer
    /// has saved none yet.
    pub fn read_stored() -> Result<Option<Settings>, String> {
        let Some(dir) = eframe::storage_dir(super::APP_ID) else {
            return Ok(None);
        };
        let path = dir.join("app.ron");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(format!(
                    "cannot read the designer's settings {}: {e}",
                    path.display()
                ));
            }
        };
        let unreadable = |e: &dyn std::fmt::Display| {
            format!(
                "the designer's settings {} cannot be read ({e}); open the designer once so it saves them again",
                path.display()
            )
        };
        let values: std::collections::HashMap<String, String> =
            ron::from_str(&text).map_err(|e| unreadable(&e))?;
        match values.get(super::SETTINGS_KEY) {
            Some(value) => ron::from_str(value).map(Some).map_err(|e| unreadable(&e)),
            None => Ok(None),
        }
    }

    pub fn add_recent(&mut self, path: &Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_files_are_most_recent_first_without_duplicates() {
        let mut s = Settings::default();
        for i in 0..12 {
            s.add_recent(Path::new(&format!("/nowhere/{i}.pass")));
        }
        s.add_recent(Path::new("/nowhere/5.pass"));
        assert_eq!(s.recent.len(), MAX_RECENT);
        assert_eq!(s.recent[0], PathBuf::from("/nowhere/5.pass"));
        assert_eq!(s.recent.iter().filter(|p| p.ends_with("5.pass")).count(), 1);
    }

    #[test]
    fn settings_survive_a_round_trip_and_old_files_missing_keys() {
        let s = Settings {
            last_certificate: Some("/c.p12".into()),
            dark_mode: Some(true),
            ..Settings::default()
        };
        let text = serde_json::to_string(&s).unwrap();
        assert!(
            !text.contains("password\":\""),
            "no password is ever stored: {text}"
        );
        assert_eq!(serde_json::from_str::<Settings>(&text).unwrap(), s);
        let old: Settings = serde_json::from_str(r#"{"recent":["/a.pass"]}"#).unwrap();
        assert_eq!(old.recent, vec![PathBuf::from("/a.pass")]);
    }
}
