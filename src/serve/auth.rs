//! The token rule: when `[server] token` is set, `/ws/metrics` and `/api/state` want it as
//! `?token=` or `Authorization: Bearer`; anything else is refused before the upgrade. The
//! token is never printed (its `Debug` is redacted) and never logged.
//!
//! Without a token the server is bound to loopback, but a web page the streamer visits could
//! still open a socket to it (browsers allow cross-site WebSockets) or reach it through DNS
//! rebinding: a request naming another site as its `Origin`, or another host as its `Host`,
//! is refused. A token (which such a page does not have) lets any origin in.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

#[derive(Clone)]
pub struct Token(String);

impl Token {
    pub fn new(t: &str) -> Option<Token> {
        let t = t.trim();
        (!t.is_empty()).then(|| Token(t.to_string()))
    }

    /// Compared in time independent of where the first difference is.
    fn matches(&self, given: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), given.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(redacted)")
    }
}

fn given(req: &Request) -> Option<String> {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        // The scheme is case-insensitive (RFC 9110).
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token)
        .map(|t| t.trim().to_string());
    bearer.or_else(|| {
        req.uri().query()?.split('&').find_map(|kv| {
            let v = kv.strip_prefix("token=")?;
            Some(percent_decode(v))
        })
    })
}

/// `%XX` and `+` in a query value.
fn percent_decode(v: &str) -> String {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(c) => {
                        out.push(c);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A loopback host name or address, with or without a port (`localhost:8787`, `[::1]`).
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Sent by this machine's own pages and programs: a loopback `Host` (or none), and no
/// `Origin` or a loopback one (a script or a local tool sends none; the dashboard its own).
fn from_this_machine(req: &Request) -> bool {
    let header = |name| req.headers().get(name).map(|v| v.to_str().unwrap_or(""));
    let host_ok = header(header::HOST).is_none_or(is_loopback_host);
    let origin_ok = header(header::ORIGIN).is_none_or(|o| {
        o.split_once("://")
            .is_some_and(|(_, rest)| is_loopback_host(rest.split('/').next().unwrap_or("")))
    });
    host_ok && origin_ok
}

/// Refusals so far: a dashboard tab with a stale token retries every 10 s for as long as it
/// is open, so the log says the 1st, 2nd, 4th, 8th… with the count, not each.
static REFUSED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn log_refusal(what: &str) {
    let n = REFUSED.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    if n.is_power_of_two() {
        tracing::info!("metrics: refused {what} ({n} refused so far)");
    }
}

pub async fn require(State(token): State<Option<Token>>, req: Request, next: Next) -> Response {
    match &token {
        None if from_this_machine(&req) => next.run(req).await,
        None => {
            log_refusal("a request from another site (Origin or Host)");
            (
                StatusCode::FORBIDDEN,
                "refused: a request from another site; set [server] token to allow it\n",
            )
                .into_response()
        }
        Some(t) if given(&req).is_some_and(|g| t.matches(&g)) => next.run(req).await,
        Some(_) => {
            log_refusal("a client with a missing or wrong token");
            (StatusCode::UNAUTHORIZED, super::TOKEN_REQUIRED).into_response()
        }
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn tokens_compare_exactly_and_decode() {
        let t = Token::new("a b%").unwrap();
        assert!(t.matches("a b%"));
        assert!(!t.matches("a b"));
        assert_eq!(percent_decode("a+b%25"), "a b%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(format!("{t:?}"), "Token(redacted)");
    }

    #[test]
    fn only_this_machines_pages_and_programs_pass_without_a_token() {
        let req = |headers: &[(&str, &str)]| {
            let mut b = Request::builder();
            for (k, v) in headers {
                b = b.header(*k, *v);
            }
            b.body(axum::body::Body::empty()).unwrap()
        };
        for ok in [
            vec![],
            vec![("host", "127.0.0.1:8787")],
            vec![
                ("host", "localhost:8787"),
                ("origin", "http://localhost:8787"),
            ],
            vec![("host", "[::1]:8787"), ("origin", "http://[::1]:8787")],
            // A local dashboard of the user's own on another port.
            vec![
                ("host", "127.0.0.1:8787"),
                ("origin", "http://127.0.0.1:3000"),
            ],
        ] {
            assert!(from_this_machine(&req(&ok)), "{ok:?}");
        }
        for bad in [
            vec![
                ("host", "127.0.0.1:8787"),
                ("origin", "https://evil.example"),
            ],
            vec![("host", "127.0.0.1:8787"), ("origin", "null")],
            // DNS rebinding: evil.example resolving to 127.0.0.1.
            vec![("host", "evil.example:8787")],
            vec![("host", "localhost.evil.example")],
        ] {
            assert!(!from_this_machine(&req(&bad)), "{bad:?}");
        }
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        for header in ["Bearer s3cret", "bearer s3cret", "BEARER s3cret"] {
            let req = Request::builder()
                .header(header::AUTHORIZATION, header)
                .body(axum::body::Body::empty())
                .unwrap();
            assert_eq!(given(&req).as_deref(), Some("s3cret"), "{header}");
        }
    }
}
