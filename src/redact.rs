//! Taking secrets out of text that quotes what it was given (parse errors, config errors):
//! quoted values, and the paths and passwords of URLs.

/// Every `"…"` and `` `…` `` in `msg` replaced by `with`. Values are written with Rust's
/// escapes: an escaped quote (`\"`) does not end one.
pub fn quoted_values(msg: &str, with: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut chars = msg.chars();
    while let Some(c) = chars.next() {
        if c != '"' && c != '`' {
            out.push(c);
            continue;
        }
        out.push_str(with);
        let mut escaped = false;
        for d in chars.by_ref() {
            match d {
                '\\' if !escaped => escaped = true,
                d if d == c && !escaped => break,
                _ => escaped = false,
            }
        }
    }
    out
}

/// Every URL in `msg` cut to its host: `https://user:pw@hooks.example.com/a/T0KEN` →
/// `https://hooks.example.com/…`.
pub fn urls_to_hosts(msg: &str) -> String {
    urls(msg, false)
}

/// Every URL in `msg` without its `user:password@`; paths stay (the program's own examples,
/// such as `https://kick.com/{channel}`, are the point of the text).
pub fn urls_without_passwords(msg: &str) -> String {
    urls(msg, true)
}

/// A URL to show: without `user:password@` and without its query (`?api-key=…`).
pub fn url_without_secrets(url: &str) -> String {
    let shown = urls_without_passwords(url);
    match shown.find(['?', '#']) {
        Some(i) => format!("{}?…", &shown[..i]),
        None => shown,
    }
}

fn urls(msg: &str, keep_path: bool) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '`' | '\'' | ',' | ']' | '\\'))
            .unwrap_or(tail.len());
        let url = &tail[..end];
        let (authority, path) = url.split_at(url.find(['/', '?', '#']).unwrap_or(url.len()));
        // `user:password@host`: the host only.
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        out.push_str(host);
        if keep_path {
            out.push_str(path);
        } else if path.len() > 1 {
            out.push_str("/…");
        } else {
            out.push_str(path);
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
    fn quoted_values_with_escaped_quotes_and_backticks_are_gone() {
        let msg = r#"invalid type: string "curl -H \"Authorization: Bearer S3CRET\" x", expected a sequence"#;
        assert_eq!(
            quoted_values(msg, "(not shown)"),
            "invalid type: string (not shown), expected a sequence"
        );
        assert_eq!(
            quoted_values("invalid type: integer `987`, expected", "…"),
            "invalid type: integer …, expected"
        );
    }

    #[test]
    fn urls_keep_their_host_only() {
        assert_eq!(
            urls_to_hosts("got \"https://user:S3CRET@ws.example/app/key\" here"),
            "got \"https://ws.example/…\" here"
        );
        assert_eq!(
            urls_to_hosts("https://discord.com/api/webhooks/1/T0KEN"),
            "https://discord.com/…"
        );
        assert_eq!(
            urls_to_hosts("see https://kick.com/ now"),
            "see https://kick.com/ now"
        );
        assert_eq!(urls_to_hosts("no url"), "no url");
        assert_eq!(
            urls_without_passwords("such as https://u:pw@kick.com/{channel}"),
            "such as https://kick.com/{channel}"
        );
    }
}
