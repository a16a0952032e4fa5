//! The API key: read from the environment variable the config names, held in a type whose
//! `Debug` and `Display` never show it, so it cannot reach a log line, the database or a report
//! by accident. Only [`ApiKey::expose`] gives the text, for the one header that needs it.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(s: impl Into<String>) -> ApiKey {
        ApiKey(s.into())
    }

    /// The key from the environment variable `name`; `None` when unset or empty.
    pub fn from_env(name: &str) -> Option<ApiKey> {
        std::env::var(name)
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .map(ApiKey)
    }

    /// For the request header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_key() {
        let k = ApiKey::new("sk-ant-secret-123");
        assert!(!format!("{k:?} {k}").contains("secret"));
        assert_eq!(k.expose(), "sk-ant-secret-123");
    }
}
