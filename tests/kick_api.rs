//! kicktui's Kick API client against the fake Kick.

use std::time::Duration;

use kicktui::fake::{ApiFailure, FakeChannel, FakeConfig, FakeKick};
use kicktui::kickapi::{ApiError, KickApi};
use kicktui::time::Ts;

fn started() -> Ts {
    Ts::parse_rfc3339("2026-09-27T16:00:00Z").unwrap()
}

async fn start() -> FakeKick {
    let cfg = FakeConfig {
        channels: vec![
            FakeChannel::new("Clavicular", 26_869_410, 4_567_890, 27_001_234).live(
                "Ranked grind",
                4720,
                started(),
            ),
            FakeChannel::new("sleepy_one", 668, 669, 676),
        ],
        ..FakeConfig::default()
    };
    FakeKick::start(cfg).await.unwrap()
}

fn api(kick: &FakeKick) -> KickApi {
    KickApi::new(&kick.kick_config())
}

#[tokio::test]
async fn looks_up_a_live_channel() {
    let kick = start().await;
    let c = api(&kick).channel("Clavicular").await.unwrap();
    assert_eq!((c.channel_id, c.chatroom_id), (26_869_410, 4_567_890));
    assert_eq!(c.user_id, Some(27_001_234));
    assert_eq!(c.slug, "clavicular");
    assert!(c.is_live);
    assert_eq!(c.viewers, Some(4720));
    assert_eq!(c.title.as_deref(), Some("Ranked grind"));
    assert_eq!(c.started_at, Some(started()));
    assert!(c.livestream_id.is_some());
    assert!(c.playback_url.unwrap().ends_with(".m3u8"));
}

#[tokio::test]
async fn looks_up_an_offline_channel() {
    let kick = start().await;
    let api = api(&kick);
    let c = api.channel("sleepy_one").await.unwrap();
    assert_eq!(
        (c.channel_id, c.chatroom_id, c.user_id),
        (668, 669, Some(676))
    );
    assert!(!c.is_live);
    assert_eq!(
        (c.viewers, c.started_at, c.livestream_id),
        (None, None, None)
    );
    assert!(!api.livestream("sleepy_one").await.unwrap().is_live);
    let live = api.livestream("clavicular").await.unwrap();
    assert_eq!((live.is_live, live.viewers), (true, Some(4720)));
    assert_eq!(live.started_at, Some(started()));
}

#[tokio::test]
async fn each_failure_has_its_own_error() {
    let kick = start().await;
    let control = kick.control();
    let api = api(&kick);
    assert_eq!(api.channel("nobody").await.unwrap_err(), ApiError::NotFound);

    control.set_api_failure(ApiFailure::Cloudflare);
    let cf = api.channel("clavicular").await.unwrap_err();
    assert_eq!(cf, ApiError::Cloudflare);
    assert!(
        cf.to_string().contains("chat needs only the channel ids"),
        "{cf}"
    );

    control.set_api_failure(ApiFailure::Blocked);
    let blocked = api.channel("clavicular").await.unwrap_err();
    assert!(
        matches!(&blocked, ApiError::Blocked { reference: Some(r) } if r.starts_with("18.")),
        "{blocked:?}"
    );

    control.set_api_failure(ApiFailure::RateLimited {
        retry_after: Some(30),
    });
    let limited = api.livestream("clavicular").await.unwrap_err();
    let thirty = Some(Duration::from_secs(30));
    assert_eq!(
        limited,
        ApiError::RateLimited {
            retry_after: thirty
        }
    );
    assert_eq!(limited.retry_after(), thirty);
    control.set_api_failure(ApiFailure::RateLimited { retry_after: None });
    let limited = api.channel("clavicular").await.unwrap_err();
    assert_eq!(limited.retry_after(), Some(Duration::from_secs(60)));

    control.set_api_failure(ApiFailure::ServerError);
    assert_eq!(
        api.channel("clavicular").await.unwrap_err(),
        ApiError::Http(500)
    );
    control.set_api_failure(ApiFailure::None);
    assert!(api.channel("clavicular").await.is_ok());
}

#[tokio::test]
async fn bad_names_never_reach_the_network() {
    let kick = start().await;
    let api = api(&kick);
    for bad in ["../admin", "a/b", "", "x?y=1", &"a".repeat(26)] {
        let e = api.channel(bad).await.unwrap_err();
        assert!(matches!(e, ApiError::InvalidChannel(_)), "{bad:?}: {e:?}");
        assert_eq!(e.retry_after(), None);
    }
    assert_eq!(kick.control().stats().api_requests, 0);
}

#[tokio::test]
async fn an_unreachable_api_is_a_network_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let cfg = kicktui::config::Kick {
        api_base: format!("http://{addr}"),
        ..Default::default()
    };
    let e = KickApi::new(&cfg).channel("clavicular").await.unwrap_err();
    assert!(matches!(e, ApiError::Network(_)), "{e:?}");
    assert_eq!(e.retry_after(), Some(Duration::from_secs(30)));
}

#[tokio::test]
async fn the_official_route_uses_one_cached_token() {
    let kick = start().await;
    let control = kick.control();
    let api = api(&kick);
    assert!(api.has_official());
    let live = api.official_status("clavicular").await.unwrap();
    assert_eq!((live.is_live, live.viewers), (true, Some(4720)));
    assert_eq!(live.title.as_deref(), Some("Ranked grind"));
    assert_eq!(live.started_at, Some(started()));
    let off = api.official_status("sleepy_one").await.unwrap();
    assert_eq!((off.is_live, off.started_at), (false, None));
    assert_eq!(control.stats().tokens_issued, 1);
    assert_eq!(
        api.official_status("nobody").await.unwrap_err(),
        ApiError::NotFound
    );

    // A revoked token gets a 401; the client fetches one new token and carries on.
    control.revoke_tokens();
    assert!(api.official_status("clavicular").await.unwrap().is_live);
    assert_eq!(control.stats().tokens_issued, 2);
}

#[tokio::test]
async fn the_official_route_reports_bad_or_missing_credentials() {
    let kick = start().await;
    let mut cfg = kick.kick_config();
    cfg.client_secret = "wrong".into();
    let e = KickApi::new(&cfg)
        .official_status("clavicular")
        .await
        .unwrap_err();
    assert_eq!(e, ApiError::Unauthorized);
    assert!(e.to_string().contains("client_secret"), "{e}");

    cfg.client_secret = Default::default();
    let api = KickApi::new(&cfg);
    assert!(!api.has_official());
    let e = api.official_status("clavicular").await.unwrap_err();
    assert_eq!(e, ApiError::NoCredentials);

    kick.control().set_official_failure(ApiFailure::Blocked);
    let e = KickApi::new(&kick.kick_config())
        .official_status("clavicular")
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Blocked { .. }), "{e:?}");
}
