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

    /// `text` (a server's words) without the URL or any longer piece of what follows its
    /// host: a server may echo the path a webhook's token is in.
    pub fn scrub(&self, text: &str) -> String {
        let rest = self.after_scheme();
        let tail = rest.split_once(['/', '?', '#']).map_or("", |(_, t)| t);
        let mut pieces: Vec<&str> = tail
            .split(['/', '?', '&', '=', '#'])
            .filter(|p| p.len() >= 6)
            .collect();
        // Longest first: a piece inside another is not left half-replaced.
        pieces.sort_by_key(|p| std::cmp::Reverse(p.len()));
        let text = text.replace(&self.0, &self.to_string());
        pieces.into_iter().fold(text, |t, p| t.replace(p, "…"))
    }

    /// The URL without its `scheme://`.
    fn after_scheme(&self) -> &str {
        self.0.split_once("://").map_or(self.0.as_str(), |(_, r)| r)
    }

    fn host(&self) -> &str {
        let rest = self.after_scheme();
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

    #[test]
    fn a_servers_words_lose_the_urls_secret_parts() {
        let u = SecretUrl::new("https://hooks.example/api/webhooks/123456/S3CRETtoken?wait=true")
            .unwrap();
        let said = "Unknown Webhook at /hook/echo/api/webhooks/123456/S3CRETtoken";
        let clean = u.scrub(said);
        assert!(
            !clean.contains("S3CRET") && !clean.contains("123456"),
            "{clean}"
        );
        assert!(
            clean.starts_with("Unknown Webhook at /hook/echo/api/"),
            "{clean}"
        );
        let whole = u.scrub(&format!("see {}", u.expose()));
        assert_eq!(whole, "see https://hooks.example/…");
    }
}
