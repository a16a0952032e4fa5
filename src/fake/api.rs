//! The fake's HTTP side: Kick's channel API (§3.1), the official API and its OAuth token
//! endpoint (§3.2), and the Cloudflare failure shapes (§3.3).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Form, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::time::Instant;

use super::frames::{time_micros_z, time_sql, time_z};
use super::state::{Shared, lock};
use super::{ApiFailure, FakeChannel, FakeLive};

const CLOUDFLARE_PAGE: &str = "<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title>\
<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\"><meta name=\"robots\" content=\"noindex,nofollow\">\
</head><body><div class=\"main-wrapper\" role=\"main\"><div class=\"main-content\">\
<h1 class=\"zone-name-title h1\">kick.com</h1><h2 class=\"h2\">Verifying you are human. This may take a few seconds.</h2>\
<noscript>Enable JavaScript and cookies to continue</noscript></div></div>\
<script>window._cf_chl_opt={cType:'managed'};</script></body></html>";

/// `GET /api/v2/channels/{slug}`.
pub(crate) async fn channel(
    State(shared): State<Arc<Shared>>,
    Path(slug): Path<String>,
) -> Response {
    let answer = channel_answer(&shared, &slug);
    lagged(&shared, answer).await
}

/// `GET /api/v2/channels/{slug}/livestream`.
pub(crate) async fn livestream(
    State(shared): State<Arc<Shared>>,
    Path(slug): Path<String>,
) -> Response {
    let answer = livestream_answer(&shared, &slug);
    lagged(&shared, answer).await
}

/// `GET /public/v1/channels?slug=…&broadcaster_user_id=…` with a bearer token.
pub(crate) async fn official_channels(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let answer = official_answer(&shared, &headers, query);
    lagged(&shared, answer).await
}

/// An answer made when the request came, sent `api_lag` later (so it can be stale).
async fn lagged(shared: &Shared, answer: Response) -> Response {
    let lag = lock(&shared.world).api_lag;
    if !lag.is_zero() {
        tokio::time::sleep(lag).await;
    }
    shared.stats.send_modify(|s| s.api_answers += 1);
    answer
}

fn channel_answer(shared: &Shared, slug: &str) -> Response {
    shared.stats.send_modify(|s| s.api_requests += 1);
    let world = lock(&shared.world);
    if let Some(r) = failure(shared, world.api_failure) {
        return r;
    }
    match world.api_channel(slug) {
        Some(c) => Json(channel_json(&c)).into_response(),
        None => no_such_channel(),
    }
}

fn livestream_answer(shared: &Shared, slug: &str) -> Response {
    shared.stats.send_modify(|s| s.api_requests += 1);
    let world = lock(&shared.world);
    if let Some(r) = failure(shared, world.api_failure) {
        return r;
    }
    let Some(c) = world.api_channel(slug) else {
        return no_such_channel();
    };
    let data = c.live.as_ref().map(|l| {
        json!({
            "id": l.livestream_id, "slug": livestream_slug(&c, l), "session_title": c.title,
            "created_at": time_micros_z(l.started_at), "language": "English", "is_mature": false,
            "viewers": l.viewers,
            "category": { "id": 15, "name": "Just Chatting", "slug": "just-chatting", "tags": ["IRL"],
                          "parent_category": { "id": 2, "slug": "irl" } },
            "playback_url": c.playback_url,
            "thumbnail": { "src": format!("https://images.kick.com/video_thumbnails/{}/720.webp", c.slug) },
        })
    });
    Json(json!({ "data": data })).into_response()
}

/// `POST /oauth/token` (client credentials).
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    shared.stats.send_modify(|s| s.api_requests += 1);
    let mut world = lock(&shared.world);
    if let Some(r) = failure(&shared, world.official_failure) {
        return r;
    }
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    if field("grant_type") != "client_credentials" {
        let body = json!({ "error": "unsupported_grant_type",
                           "error_description": "The authorization grant type is not supported." });
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    if field("client_id") != shared.cfg.client_id
        || field("client_secret") != shared.cfg.client_secret
    {
        let body = json!({ "error": "invalid_client",
                           "error_description": "Client authentication failed" });
        return (StatusCode::UNAUTHORIZED, Json(body)).into_response();
    }
    let access = format!("{:016x}{:016x}", shared.random(), shared.random());
    let ttl = shared.cfg.token_ttl;
    world.tokens.insert(access.clone(), Instant::now() + ttl);
    shared.stats.send_modify(|s| s.tokens_issued += 1);
    let body =
        json!({ "access_token": access, "token_type": "Bearer", "expires_in": ttl.as_secs() });
    Json(body).into_response()
}

fn official_answer(shared: &Shared, headers: &HeaderMap, query: Option<String>) -> Response {
    shared.stats.send_modify(|s| s.api_requests += 1);
    let world = lock(&shared.world);
    if let Some(r) = failure(shared, world.official_failure) {
        return r;
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let valid = bearer
        .and_then(|t| world.tokens.get(t))
        .is_some_and(|expires| Instant::now() < *expires);
    if !valid {
        let body = json!({ "message": "Unauthorized" });
        return (StatusCode::UNAUTHORIZED, Json(body)).into_response();
    }
    let query = query.unwrap_or_default();
    let slugs = query_values(&query, "slug");
    let ids = query_values(&query, "broadcaster_user_id");
    let data: Vec<Value> = world
        .channels
        .iter()
        .filter(|c| slugs.contains(&c.slug) || ids.contains(&c.user_id.to_string()))
        .filter_map(|c| world.api_channel(&c.slug))
        .map(|c| official_json(&c))
        .collect();
    Json(json!({ "data": data, "message": "OK" })).into_response()
}

fn no_such_channel() -> Response {
    let body = json!({ "message": "No query results for model [App\\Models\\Channel]." });
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

/// The response for a switched-on failure mode, if any.
fn failure(shared: &Shared, mode: ApiFailure) -> Option<Response> {
    Some(match mode {
        ApiFailure::None => return None,
        ApiFailure::Cloudflare => (
            StatusCode::FORBIDDEN,
            [
                (header::CONTENT_TYPE, "text/html; charset=UTF-8"),
                (header::SERVER, "cloudflare"),
                (header::HeaderName::from_static("cf-mitigated"), "challenge"),
            ],
            CLOUDFLARE_PAGE,
        )
            .into_response(),
        ApiFailure::Blocked => {
            let reference = format!(
                "18.{:08x}.{}",
                shared.random() as u32,
                shared.random() % 10_000_000_000
            );
            let body =
                json!({ "error": "Request blocked by security policy.", "reference": reference });
            (StatusCode::FORBIDDEN, Json(body)).into_response()
        }
        ApiFailure::RateLimited { retry_after } => {
            let body = Json(json!({ "message": "Too Many Attempts." }));
            match retry_after {
                Some(s) => (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(header::RETRY_AFTER, s.to_string())],
                    body,
                )
                    .into_response(),
                None => (StatusCode::TOO_MANY_REQUESTS, body).into_response(),
            }
        }
        ApiFailure::ServerError => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "message": "Server Error" })),
        )
            .into_response(),
    })
}

fn livestream_slug(c: &FakeChannel, l: &FakeLive) -> String {
    let words: String = c
        .title
        .to_lowercase()
        .chars()
        .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '-' })
        .collect();
    format!("{:x}-{}", l.livestream_id, words.trim_matches('-'))
}

/// The `/api/v2/channels/{slug}` object (no `data` wrapper).
fn channel_json(c: &FakeChannel) -> Value {
    let livestream = c.live.as_ref().map(|l| {
        json!({
            "id": l.livestream_id, "slug": livestream_slug(c, l), "channel_id": c.channel_id,
            "created_at": time_sql(l.started_at), "session_title": c.title, "is_live": true,
            "risk_level_id": null, "start_time": time_sql(l.started_at), "source": null,
            "twitch_channel": null, "duration": 0, "language": "English", "is_mature": false,
            "viewer_count": l.viewers,
            "thumbnail": { "url": format!("https://images.kick.com/video_thumbnails/{}/720.webp", c.slug) },
            "categories": [{ "id": 15, "category_id": 2, "name": "Just Chatting", "slug": "just-chatting",
                             "tags": ["IRL"], "description": null }],
            "tags": [],
        })
    });
    json!({
        "id": c.channel_id, "user_id": c.user_id, "slug": c.slug, "is_banned": c.banned,
        "playback_url": c.playback_url, "vod_enabled": true, "subscription_enabled": true,
        "followers_count": c.followers, "verified": false, "can_host": true,
        "user": { "id": c.user_id, "username": c.username, "bio": "", "profile_pic": null },
        "chatroom": {
            "id": c.chatroom_id, "chatable_type": "App\\Models\\Channel", "channel_id": c.channel_id,
            "chatable_id": c.channel_id, "created_at": "2023-06-01T12:00:00.000000Z",
            "updated_at": "2026-09-01T12:00:00.000000Z", "chat_mode_old": "public",
            "chat_mode": "public", "slow_mode": false, "followers_mode": false,
            "subscribers_mode": false, "emotes_mode": false, "message_interval": 0,
            "following_min_duration": 0,
        },
        "livestream": livestream,
        "subscriber_badges": [], "recent_categories": [], "banner_image": null,
    })
}

/// One `data[]` entry of `/public/v1/channels`.
fn official_json(c: &FakeChannel) -> Value {
    let (is_live, viewers, start) = match &c.live {
        Some(l) => (true, l.viewers, time_z(l.started_at)),
        None => (false, 0, "0001-01-01T00:00:00Z".to_string()),
    };
    json!({
        "broadcaster_user_id": c.user_id, "slug": c.slug, "channel_description": "",
        "banner_picture": "", "stream_title": c.title,
        "category": { "id": 15, "name": "Just Chatting", "thumbnail": "" },
        "stream": {
            "url": "", "key": "", "is_live": is_live, "is_mature": false, "language": "en",
            "start_time": start, "viewer_count": viewers, "thumbnail": "", "custom_tags": [],
        },
    })
}

/// Every value of `key` in a query string (repeated keys allowed), percent-decoded.
pub(crate) fn query_values(query: &str, key: &str) -> Vec<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(k, _)| percent_decode(k) == key)
        .map(|(_, v)| percent_decode(v))
        .collect()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_repeat_and_decode() {
        let q = "slug=a&slug=b%2Dc&x=1&broadcaster_user_id=7&slug=d+e&bad=%zz";
        assert_eq!(query_values(q, "slug"), ["a", "b-c", "d e"]);
        assert_eq!(query_values(q, "broadcaster_user_id"), ["7"]);
        assert_eq!(query_values(q, "bad"), ["%zz"]);
        assert_eq!(query_values("slug=%4", "slug"), ["%4"]);
    }
}
