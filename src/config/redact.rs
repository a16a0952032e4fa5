//! Config errors quote what they got; where that may be a secret (a token, a webhook URL, a
//! command line with one in it) the quote is left out, and any URL keeps only its host.

/// Keys whose values are secrets or may hold one.
const SECRET_KEYS: [&str; 6] = [
    "client_secret",
    "token",
    "discord_webhook",
    "webhook_url",
    "command",
    "api_key_env",
];

/// `msg` about `key`, safe to print and log.
pub fn error_text(key: &str, msg: &str) -> String {
    let last = key.rsplit('.').next().unwrap_or(key);
    // `alerts.command[1]` is part of a command.
    let last = last.split('[').next().unwrap_or(last);
    let msg = if SECRET_KEYS.contains(&last) {
        without_quotes(msg)
    } else {
        msg.to_string()
    };
    url_hosts_only(&msg)
}

/// Every `"…"` and `` `…` `` becomes `(not shown)`.
fn without_quotes(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut chars = msg.chars();
    while let Some(c) = chars.next() {
        if c == '"' || c == '`' {
            out.push_str("(not shown)");
            for d in chars.by_ref() {
                if d == c {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `https://hooks.example.com/a/SECRET` → `https://hooks.example.com/…`.
fn url_hosts_only(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '`' | '\'' | ',' | ']'))
            .unwrap_or(tail.len());
        let url = &tail[..end];
        match url.find(['/', '?', '#']) {
            Some(j) if j + 1 < url.len() => {
                out.push_str(&url[..j]);
                out.push_str("/…");
            }
            _ => out.push_str(url),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_url_paths_are_left_out() {
        let e = error_text(
            "kick.client_secret",
            "invalid type: integer `987654321`, expected a string",
        );
        assert_eq!(e, "invalid type: integer (not shown), expected a string");
        let e = error_text(
            "alerts.command",
            "invalid type: string \"curl https://hooks.example.com/T0KEN\", expected a sequence",
        );
        assert!(!e.contains("T0KEN") && !e.contains("curl"), "{e}");
        let e = error_text(
            "alerts.discord_events",
            "unknown event \"https://discord.com/api/webhooks/1/T0KEN\"",
        );
        assert_eq!(e, "unknown event \"https://discord.com/…\"");
        // Other keys keep what they got: it is how the user finds the mistake.
        let e = error_text("velocity.threshold", "a number, got string \"fast\"");
        assert_eq!(e, "a number, got string \"fast\"");
        assert_eq!(
            error_text("kick.api_base", "got \"https://kick.com\""),
            "got \"https://kick.com\""
        );
    }
}
