//! Config errors quote what they got; where that may be a secret (a token, a webhook URL, a
//! command line with one in it) the quote is left out, and URLs lose their passwords (and,
//! in what the parser quotes back, their paths).

use crate::redact::{quoted_values, urls_to_hosts, urls_without_passwords};

/// Keys whose values are secrets or may hold one (argument lists carry tokens too).
const SECRET_KEYS: [&str; 8] = [
    "client_secret",
    "token",
    "discord_webhook",
    "webhook_url",
    "command",
    "api_key_env",
    "streamlink_args",
    "on_ready",
];

fn is_secret(key: &str) -> bool {
    let last = key.rsplit('.').next().unwrap_or(key);
    // `alerts.command[1]` is part of a command.
    let last = last.split('[').next().unwrap_or(last);
    SECRET_KEYS.contains(&last)
}

/// serde's words about keys (unknown, missing, twice) quote key names, never values: blanked,
/// "unknown key `discord_webhook` here; it belongs in [alerts]" said nothing.
fn names_keys_only(msg: &str) -> bool {
    ["unknown field ", "missing field ", "duplicate field "]
        .iter()
        .any(|p| msg.starts_with(p))
}

/// A quoted value that is a URL without its scheme (`api.example.com/v1?key=…`,
/// `user:pw@host`): what follows a `?` and what precedes an `@` are left out.
fn without_query_or_login(value: &str) -> String {
    let value = match value.split_once('@') {
        Some((login, host)) if !login.contains('/') => host,
        _ => value,
    };
    match value.split_once('?') {
        Some((before, _)) => format!("{before}?…"),
        None => value.to_string(),
    }
}

/// What the parser said about `key`, safe to print and log.
pub fn parse_error(key: &str, msg: &str) -> String {
    let msg = if is_secret(key) && !names_keys_only(msg) {
        quoted_values(msg, "(not shown)")
    } else {
        msg.to_string()
    };
    urls_to_hosts(&msg)
}

/// What validation said about `key`: the program's own words keep their examples (such as
/// `https://kick.com/{channel}`); what it quotes of the user's value is cut like the parser's.
pub fn validation_error(key: &str, msg: &str) -> String {
    if is_secret(key) {
        return urls_without_passwords(&quoted_values(msg, "(not shown)"));
    }
    // Split on quotes: every odd piece is a quoted value.
    let pieces: Vec<String> = msg
        .split('"')
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 {
                urls_to_hosts(&without_query_or_login(p))
            } else {
                urls_without_passwords(p)
            }
        })
        .collect();
    pieces.join("\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_url_paths_are_left_out() {
        let e = parse_error(
            "kick.client_secret",
            "invalid type: integer `987654321`, expected a string",
        );
        assert_eq!(e, "invalid type: integer (not shown), expected a string");
        let e = parse_error(
            "alerts.command",
            r#"invalid type: string "curl -H \"Authorization: Bearer T0KEN\" https://x/h", expected a sequence"#,
        );
        assert_eq!(e, "invalid type: string (not shown), expected a sequence");
        for key in ["recorder.streamlink_args", "clips.on_ready"] {
            let e = parse_error(key, "invalid type: string \"--header=OAuth T0KEN\"");
            assert!(!e.contains("T0KEN"), "{key}: {e}");
        }
        let e = parse_error(
            "alerts.discord_events",
            "unknown event \"https://discord.com/api/webhooks/1/T0KEN\"",
        );
        assert_eq!(e, "unknown event \"https://discord.com/…\"");
        // Other keys keep what they got: it is how the user finds the mistake.
        let e = parse_error("velocity.threshold", "a number, got string \"fast\"");
        assert_eq!(e, "a number, got string \"fast\"");
    }

    #[test]
    fn validation_keeps_its_examples_but_not_passwords() {
        let e = validation_error(
            "recorder.stream_url",
            "a URL template such as https://kick.com/{channel}, got \"https://u:S3CRET@x.tv/y\"",
        );
        assert_eq!(
            e,
            "a URL template such as https://kick.com/{channel}, got \"https://x.tv/…\""
        );
        // Without its scheme, a URL still loses its key and its login.
        let e = validation_error(
            "advisor.api_base",
            "a URL starting with http:// or https://, got \"api.example.com/v1?key=S3CRET\"",
        );
        assert!(e.ends_with("got \"api.example.com/v1?…\""), "{e}");
        let e = validation_error("advisor.api_base", "got \"me:S3CRET@llm.lan:8080/v1\"");
        assert_eq!(e, "got \"llm.lan:8080/v1\"");
    }

    /// An unknown key named like a secret one is named, with where it belongs: serde quotes
    /// key names there, not values.
    #[test]
    fn a_misplaced_secret_key_is_named() {
        let msg = "unknown field `discord_webhook`, expected one of `api_base`, `pusher_url`";
        assert_eq!(parse_error("kick.discord_webhook", msg), msg);
        let value = "invalid type: integer `5`, expected a string";
        assert!(!parse_error("kick.discord_webhook", value).contains('5'));
    }
}
