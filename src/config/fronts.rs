//! `[server]` (the metrics WebSocket and dashboard) and `[alerts]` (Discord, a JSON webhook, a
//! command). Secrets are `SecretString`s: their `Debug` hides them, and the code that uses
//! them wraps them so they never reach a log.

use serde::{Deserialize, Serialize};

use super::SecretString;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Server {
    pub enabled: bool,
    /// `address:port`; anything but loopback needs `token`.
    pub bind: String,
    /// Empty: none (only allowed on loopback).
    pub token: SecretString,
}

impl Default for Server {
    fn default() -> Self {
        Server {
            enabled: true,
            bind: "127.0.0.1:8787".into(),
            token: SecretString::default(),
        }
    }
}

/// The events an alert target can ask for.
pub const ALERT_EVENTS: [&str; 6] = [
    "clip_ready",
    "moment",
    "live",
    "offline",
    "recording_stalled",
    "disk_low",
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Alerts {
    /// A Discord webhook URL (empty: off).
    pub discord_webhook: SecretString,
    pub discord_events: Vec<String>,
    /// Any URL that takes a JSON POST (empty: off).
    pub webhook_url: SecretString,
    pub webhook_events: Vec<String>,
    /// An argv (no shell): `{event}`, `{text}`, `{path}` replaced; the alert as JSON in
    /// `$KICKTUI_ALERT` (empty: off).
    pub command: Vec<String>,
    pub command_events: Vec<String>,
}

impl Alerts {
    /// Whether any target (Discord, webhook, command) is set.
    pub fn any_target(&self) -> bool {
        !self.discord_webhook.is_empty() || !self.webhook_url.is_empty() || !self.command.is_empty()
    }

    /// The same events, sent nowhere.
    pub fn without_targets(&self) -> Alerts {
        Alerts {
            discord_webhook: SecretString::default(),
            webhook_url: SecretString::default(),
            command: Vec::new(),
            ..self.clone()
        }
    }
}

fn events(list: &[&str]) -> Vec<String> {
    list.iter().map(|e| e.to_string()).collect()
}

impl Default for Alerts {
    fn default() -> Self {
        let usual = [
            "clip_ready",
            "live",
            "offline",
            "recording_stalled",
            "disk_low",
        ];
        Alerts {
            discord_webhook: SecretString::default(),
            discord_events: events(&usual),
            webhook_url: SecretString::default(),
            webhook_events: events(&ALERT_EVENTS),
            command: Vec::new(),
            command_events: events(&usual),
        }
    }
}

impl Server {
    /// `--dashboard`: an address to listen on instead of `bind`, or `off`.
    pub fn set_from_flag(&mut self, flag: &str) -> Result<(), String> {
        if flag.trim().eq_ignore_ascii_case("off") {
            self.enabled = false;
            return Ok(());
        }
        let asked = Server {
            bind: flag.trim().to_string(),
            enabled: true,
            ..self.clone()
        };
        if asked.addr().is_none() {
            return Err(format!(
                "--dashboard {flag:?} is not an address: give one like 127.0.0.1:8788, or off"
            ));
        }
        // As `[server] bind` would be: not open to the network without a token.
        check(&asked, &Alerts::default())
            .map_err(|(key, expected)| format!("--dashboard {flag}: {key} must be {expected}"))?;
        *self = asked;
        Ok(())
    }

    /// The bind address, when it parses; `localhost:PORT` is 127.0.0.1 (so it stays loopback,
    /// whatever the resolver would say).
    pub fn addr(&self) -> Option<std::net::SocketAddr> {
        let bind = self.bind.trim();
        match bind.strip_prefix("localhost:") {
            Some(port) => Some(std::net::SocketAddr::from((
                std::net::Ipv4Addr::LOCALHOST,
                port.parse().ok()?,
            ))),
            None => bind.parse().ok(),
        }
    }
}

/// `(key, what is expected)`; never echoes a secret.
pub(super) fn check(s: &Server, a: &Alerts) -> Result<(), (String, String)> {
    let Some(addr) = s.addr() else {
        return Err((
            "server.bind".into(),
            format!(
                "an address and port such as 127.0.0.1:8787, got {:?}",
                s.bind
            ),
        ));
    };
    if s.enabled && !addr.ip().is_loopback() && s.token.trim().is_empty() {
        return Err((
            "server.token".into(),
            format!(
                "a token (letters, digits and . _ ~ -) when the dashboard is bound to {} (not \
                 127.0.0.1): anyone who can reach that address could read it",
                s.bind
            ),
        ));
    }
    let url_safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '-');
    if s.enabled && !s.token.trim().chars().all(url_safe) {
        // A `+` in `?token=` reads as a space, so such a token never matched from a link.
        return Err((
            "server.token".into(),
            "letters, digits and . _ ~ - only (the token goes in the dashboard's link as \
             ?token=…): make one with openssl rand -hex 24"
                .into(),
        ));
    }
    for (key, url) in [
        ("alerts.discord_webhook", &a.discord_webhook),
        ("alerts.webhook_url", &a.webhook_url),
    ] {
        if !(url.is_empty() || is_web_url(url)) {
            // The URL itself is a secret (Discord's holds the token): never echoed.
            return Err((
                key.into(),
                "a URL such as https://discord.com/api/webhooks/… (http:// or https://, a host, \
                 no spaces)"
                    .into(),
            ));
        }
    }
    for (key, list) in [
        ("alerts.discord_events", &a.discord_events),
        ("alerts.webhook_events", &a.webhook_events),
        ("alerts.command_events", &a.command_events),
    ] {
        if let Some(bad) = list.iter().find(|e| !ALERT_EVENTS.contains(&e.as_str())) {
            return Err((
                key.into(),
                format!("events from {}, got {bad:?}", ALERT_EVENTS.join(", ")),
            ));
        }
    }
    super::validate::command("alerts.command", &a.command)
}

/// `http://` or `https://` with a host, that parses as a URL (`https://`, `http://exa mple` do
/// not: they failed only at the first alert, 30 s later, as "builder error").
fn is_web_url(s: &str) -> bool {
    // The parser percent-encodes a space inside the path: a URL broken by a paste would
    // post to the wrong place at the first alert (spaces around it are trimmed).
    !s.trim().chars().any(char::is_whitespace)
        && reqwest::Url::parse(s).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dashboard_flag_moves_or_turns_off_the_server_and_is_checked_like_the_config() {
        let mut s = Server {
            enabled: false,
            ..Server::default()
        };
        s.set_from_flag("127.0.0.1:8788").unwrap();
        assert!(s.enabled);
        assert_eq!(s.addr(), Some("127.0.0.1:8788".parse().unwrap()));
        s.set_from_flag("OFF").unwrap();
        assert!(!s.enabled);
        let e = s.set_from_flag("8788").unwrap_err();
        assert!(e.contains("not an address"), "{e}");
        let e = s.set_from_flag("0.0.0.0:8788").unwrap_err();
        assert!(e.contains("server.token must be a token"), "{e}");
        // Unchanged by a refused flag.
        assert!(!s.enabled);
        s.token = "t0k".into();
        s.set_from_flag("0.0.0.0:8788").unwrap();
        assert_eq!(s.bind, "0.0.0.0:8788");
    }

    #[test]
    fn localhost_is_loopback() {
        let s = Server {
            bind: "localhost:8799".into(),
            ..Server::default()
        };
        assert_eq!(s.addr(), Some("127.0.0.1:8799".parse().unwrap()));
        assert!(check(&s, &Alerts::default()).is_ok());
    }

    #[test]
    fn a_public_bind_needs_a_token_and_secrets_are_never_echoed() {
        let a = Alerts::default();
        let open = Server {
            bind: "0.0.0.0:8787".into(),
            ..Server::default()
        };
        assert_eq!(check(&open, &a).unwrap_err().0, "server.token");
        let with_token = Server {
            token: "s3cret".into(),
            ..open
        };
        assert!(check(&with_token, &a).is_ok());
        assert!(check(&Server::default(), &a).is_ok());
        let plus = Server {
            token: "s3cr+t/tok=en".into(),
            ..with_token.clone()
        };
        let err = check(&plus, &a).unwrap_err();
        assert_eq!(err.0, "server.token");
        assert!(!err.1.contains("s3cr"), "{err:?}");
        // The hint survives the secret key's redaction (quoted values are hidden).
        let shown = crate::config::redact::validation_error(&err.0, &err.1);
        assert!(shown.contains("openssl rand -hex 24"), "{shown}");
        let bad_url = Alerts {
            discord_webhook: "discord.com/api/webhooks/1/secret".into(),
            ..Alerts::default()
        };
        let err = check(&Server::default(), &bad_url).unwrap_err();
        assert!(!err.1.contains("secret"), "{err:?}");
        for bad in [
            "https://",
            "http://exa mple.com/hook",
            "https://discord.com/api/webhooks/123/SECRET TOKEN2",
            "ftp://example.com/x",
        ] {
            let a = Alerts {
                webhook_url: bad.into(),
                ..Alerts::default()
            };
            let err = check(&Server::default(), &a).unwrap_err();
            assert_eq!(err.0, "alerts.webhook_url", "{bad}");
        }
        for good in [
            "http://127.0.0.1:9/hook",
            "https://discord.com/api/webhooks/1/x",
        ] {
            let a = Alerts {
                discord_webhook: good.into(),
                ..Alerts::default()
            };
            assert!(check(&Server::default(), &a).is_ok(), "{good}");
        }
        let bad_event = Alerts {
            command_events: vec!["clip".into()],
            ..Alerts::default()
        };
        assert_eq!(
            check(&Server::default(), &bad_event).unwrap_err().0,
            "alerts.command_events"
        );
    }
}
