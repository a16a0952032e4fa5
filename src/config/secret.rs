//! A secret (a client secret, a token, a webhook URL, from the config or the login): used like
//! a string, but its `Debug` never shows it, so printing a config or a token leaks nothing.

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(s: impl Into<String>) -> SecretString {
        SecretString(s.into())
    }

    /// The secret itself, for the one place that sends it: named so it stands out.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Deref for SecretString {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SecretString {
    fn from(s: &str) -> Self {
        SecretString(s.to_string())
    }
}

impl From<String> for SecretString {
    fn from(s: String) -> Self {
        SecretString(s)
    }
}

impl From<SecretString> for String {
    fn from(s: SecretString) -> Self {
        s.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.trim().is_empty() {
            "<unset>"
        } else {
            "<redacted>"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let s = SecretString::from("https://discord.com/api/webhooks/1/abc");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{:?}", SecretString::default()), "<unset>");
        assert!(s.starts_with("https://"), "used like a string");
    }

    #[test]
    fn a_whole_config_printed_shows_none_of_its_secrets() {
        let mut c = crate::config::Config::default();
        c.kick.client_secret = "kick-s3cret".into();
        c.twitch.client_secret = "twitch-s3cret".into();
        c.server.token = "server-s3cret".into();
        c.alerts.discord_webhook = "https://discord.com/api/webhooks/1/hook-s3cret".into();
        c.alerts.webhook_url = "https://example.com/hook-s3cret".into();
        let printed = format!("{c:?}");
        assert!(!printed.contains("s3cret"), "{printed}");
        assert!(printed.contains("<redacted>"));
    }
}
