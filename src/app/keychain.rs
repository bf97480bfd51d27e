//! Secrets kept in the OS keychain only (the SMTP password, the update server's API key), never
//! in a settings file. Without a keychain the window keeps the secret for this session and says
//! so, in the words [`Secret::read`] and [`Secret::save`] return.

const SERVICE: &str = "passmith";

/// One secret in the keychain: its entry's name and what to call it in messages.
pub struct Secret {
    user: &'static str,
    /// "The SMTP password", "The API key".
    what: &'static str,
}

impl Secret {
    pub const fn new(user: &'static str, what: &'static str) -> Secret {
        Secret { user, what }
    }

    fn entry(&self) -> Result<keyring::Entry, String> {
        keyring::Entry::new(SERVICE, self.user).map_err(|e| e.to_string())
    }

    fn no_keychain(&self, reason: &str) -> String {
        format!(
            "No system keychain is available on this computer ({reason}). {} is kept only until Passmith closes; you will need to enter it again next time.",
            self.what
        )
    }

    /// The saved secret (`None`: never saved), or the note to show when there is no keychain.
    pub fn read(&self) -> Result<Option<String>, String> {
        let entry = self.entry().map_err(|e| self.no_keychain(&e))?;
        match entry.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(self.no_keychain(&e.to_string())),
        }
    }

    /// Saves `secret`; the note to show either way.
    pub fn save(&self, secret: &str) -> String {
        match self
            .entry()
            .and_then(|e| e.set_password(secret).map_err(|e| e.to_string()))
        {
            Ok(()) => format!("{} saved in the system keychain.", self.what),
            Err(e) => self.no_keychain(&e),
        }
    }
}
