//! Who may connect: the token, checked before the upgrade; other sites and DNS-rebound hosts
//! refused without one; and a port in use, which turns off only the server.

use kicktui::config::Config;
use kicktui::engine::feed::Feed;
use kicktui::engine::update::Update;
use kicktui::serve;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_util::sync::CancellationToken;

use crate::quiet;
use crate::serve_support::*;

#[tokio::test]
async fn the_token_is_checked_before_the_upgrade() {
    let srv = Server::start(quiet().with_token("s3cret t"));
    let refused = |r: Result<_, tokio_tungstenite::tungstenite::Error>| match r {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => resp.status().as_u16() == 401,
        _ => false,
    };
    let plain = tokio_tungstenite::connect_async(srv.url("/ws/metrics")).await;
    assert!(refused(plain.map(|_| ())), "no token: refused");
    let wrong = tokio_tungstenite::connect_async(srv.url("/ws/metrics?token=nope")).await;
    assert!(refused(wrong.map(|_| ())), "wrong token: refused");
    let (mut ws, _) = tokio_tungstenite::connect_async(srv.url("/ws/metrics?token=s3cret%20t"))
        .await
        .expect("the query token works");
    assert_eq!(next(&mut ws).await["type"], "stream_state");
    let mut req = srv.url("/ws/metrics").into_client_request().unwrap();
    req.headers_mut()
        .insert("Authorization", "Bearer s3cret t".parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("the bearer token works");
    assert_eq!(next(&mut ws).await["type"], "stream_state");
    // The state endpoint too; the page itself is public (it holds no data).
    let http = reqwest::Client::new();
    let base = format!("http://{}", srv.running.addr);
    let st = |r: reqwest::Response| r.status().as_u16();
    assert_eq!(
        st(http.get(format!("{base}/api/state")).send().await.unwrap()),
        401
    );
    let ok = http
        .get(format!("{base}/api/state"))
        .bearer_auth("s3cret t")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(st(http.get(format!("{base}/")).send().await.unwrap()), 200);
    // A path that is not there is a 404 (a browser asks for /favicon.ico), not a refusal.
    let none = http
        .get(format!("{base}/favicon.ico"))
        .send()
        .await
        .unwrap();
    assert_eq!(st(none), 404);
}

#[tokio::test]
async fn a_port_in_use_turns_only_the_server_off() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let err = serve::bind(addr).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
    let mut cfg = Config::default();
    cfg.server.bind = addr.to_string();
    let feed = Feed::new();
    assert!(serve::start(&cfg, &feed, CancellationToken::new()).is_none());
    // The engine's feed goes on.
    let mut rx = feed.subscribe();
    feed.send(Update::WaitingForLive);
    assert_eq!(rx.recv().await, Some(Update::WaitingForLive));
}

/// Without a token, a web page of another site (which a browser lets open a socket to
/// loopback) and a DNS-rebound host are refused; this machine's programs and pages pass. With
/// a token, the token decides.
#[tokio::test]
async fn without_a_token_other_sites_are_refused() {
    let srv = Server::start(quiet());
    let status = |origin: Option<String>, host: Option<&'static str>| {
        let url = srv.url("/ws/metrics");
        async move {
            let mut req = url.into_client_request().unwrap();
            if let Some(o) = origin {
                req.headers_mut().insert("Origin", o.parse().unwrap());
            }
            if let Some(h) = host {
                req.headers_mut().insert("Host", h.parse().unwrap());
            }
            match tokio_tungstenite::connect_async(req).await {
                Ok(_) => 101,
                Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => resp.status().as_u16(),
                Err(e) => panic!("{e}"),
            }
        }
    };
    assert_eq!(status(None, None).await, 101, "a script");
    let own = format!("http://{}", srv.running.addr);
    assert_eq!(status(Some(own), None).await, 101, "the dashboard itself");
    let evil = Some("https://evil.example".to_string());
    assert_eq!(status(evil, None).await, 403);
    assert_eq!(status(None, Some("evil.example:8787")).await, 403);
    let base = format!("http://{}", srv.running.addr);
    let other_site = reqwest::Client::new()
        .get(format!("{base}/api/state"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(other_site.status().as_u16(), 403);

    let locked = Server::start(quiet().with_token("s3cret"));
    let mut req = locked
        .url("/ws/metrics?token=s3cret")
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("Origin", "https://overlay.example".parse().unwrap());
    assert!(
        tokio_tungstenite::connect_async(req).await.is_ok(),
        "with the token, any site"
    );
}
