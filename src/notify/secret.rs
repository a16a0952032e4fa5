//! A webhook URL is a secret (whoever has it can post to the channel): it is shown as its
//! scheme and host only, in `Display` and `Debug` alike, so it cannot reach a log by accident.

#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl(String);

impl SecretUrl {
    pub fn new(url: &str) -> Option<SecretUrl> {
        let url = url.trim();
        (!url.is_empty()).then(|| SecretUrl(url.to_string()))
    }

    /// The URL itself, only to make the request.
    pub fn expose(&self) -> &str {
        &self.0
    }

    fn host(&self) -> &str {
        let rest = self.0.split_once("://").map_or(self.0.as_str(), |(_, r)| r);
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        // `user:pass@host` keeps only the host.
        host.rsplit('@').next().unwrap_or("")
    }
}

impl std::fmt::Display for SecretUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = self.0.split_once("://").map_or("", |(s, _)| s);
        write!(f, "{scheme}://{}/…", self.host())
    }
}

impl std::fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_scheme_and_host_are_shown() {
        let u = SecretUrl::new("https://discord.com/api/webhooks/123/s3cr3t?wait=true").unwrap();
        assert_eq!(u.to_string(), "https://discord.com/…");
        assert_eq!(format!("{u:?}"), "SecretUrl(https://discord.com/…)");
        let creds = SecretUrl::new("http://me:pw@127.0.0.1:9/x").unwrap();
        assert_eq!(creds.to_string(), "http://127.0.0.1:9/…");
        assert!(SecretUrl::new("  ").is_none());
    }
}
