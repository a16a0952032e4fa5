use super::*;

/// Ids in the config that Kick's API gives another channel fail (a config shared by
/// several channels); the same ids, or no answer from the API, pass.
#[test]
fn the_configs_ids_are_checked_against_the_api() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = Config::default();
    (cfg.kick.channel_id, cfg.kick.chatroom_id) = (1001, 2001);
    let info = |channel_id, chatroom_id| ChannelInfo {
        channel_id,
        chatroom_id,
        user_id: None,
        slug: "chanc".into(),
        is_live: false,
        viewers: None,
        title: None,
        started_at: None,
        playback_url: None,
        livestream_id: None,
        is_banned: false,
    };
    let check = |lookup| channel_ids(&cfg, dir.path(), Some("chanc"), lookup);
    let other = check(Some(info(1003, 2003)));
    assert_eq!(other.status, super::super::Status::Fail, "{other:?}");
    assert!(other.detail.contains("are not chanc's"), "{other:?}");
    assert_eq!(
        check(Some(info(1001, 2001))).status,
        super::super::Status::Ok
    );
    assert_eq!(check(None).status, super::super::Status::Ok);
}

/// A server that pings first, then says something else: the check names what it said,
/// in plain words.
#[tokio::test]
async fn a_socket_that_answers_something_else_is_said_plainly() {
    use futures_util::SinkExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("ws://{}/app/key", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept");
        let mut ws = tokio_tungstenite::accept_async(tcp).await.expect("ws");
        for f in [
            r#"{"event":"pusher:ping"}"#,
            "{\"event\":\"hello \u{1b}[31mred\"}",
        ] {
            ws.send(Message::Text(f.into())).await.expect("send");
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    });
    let c = pusher(&url).await;
    assert_eq!(c.status, super::super::Status::Fail);
    assert!(
        c.detail
            .ends_with(r#": answered {"event":"hello red"} instead of its greeting"#),
        "{}",
        c.detail
    );
}

#[tokio::test]
async fn a_busy_port_fails_only_when_the_server_is_on() {
    let held = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let mut server = Server {
        bind: held.local_addr().expect("addr").to_string(),
        ..Server::default()
    };
    assert_eq!(
        metrics_port(&server).await.status,
        super::super::Status::Fail
    );
    server.enabled = false;
    assert_eq!(
        metrics_port(&server).await.status,
        super::super::Status::Skip
    );
    // An address this machine does not have (TEST-NET-1): another port will not help.
    server.enabled = true;
    server.bind = "192.0.2.55:8787".into();
    let c = metrics_port(&server).await;
    let fix = c.fix.as_deref().unwrap_or_default();
    assert!(fix.contains("an address this machine has"), "{c:?}");
}

/// doctor beside a running kicktui: its dashboard holds the port, which is as it should be.
#[tokio::test]
async fn a_port_held_by_a_running_kicktui_is_fine() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let held = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let server = Server {
        bind: held.local_addr().expect("addr").to_string(),
        ..Server::default()
    };
    tokio::spawn(async move {
        let body = r#"{"streamState": {"isLive": false}}"#;
        while let Ok((mut sock, _)) = held.accept().await {
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
            let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n", body.len());
            let _ = sock.write_all((head + body).as_bytes()).await;
        }
    });
    let c = metrics_port(&server).await;
    assert_eq!(c.status, super::super::Status::Ok, "{c:?}");
    assert!(c.detail.contains("in use by a running kicktui"), "{c:?}");
}

/// A password in a configured URL (`http://user:PASS@host`) or a key in its query is not for a
/// pasted doctor report: every check that names a URL shows it without them.
#[tokio::test]
async fn configured_urls_are_shown_without_their_secrets() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let mut cfg = Config::default();
    cfg.kick.api_base = format!("http://user:PASSWD@127.0.0.1:{port}?key=QKEY");
    let secret = format!("ws://user:PASSWD@127.0.0.1:{port}/app/key?auth=QKEY");
    cfg.kick.pusher_url = secret.clone();
    cfg.kick.centrifugo_url = secret.clone();
    cfg.kick.transport = crate::config::ChatTransport::Auto;
    let mut shown = vec![kick_api(&cfg, Some("chanc")).await.0];
    shown.extend(super::super::kick_chat::checks(&cfg.kick).await);
    shown.push(super::super::twitch::irc(&secret, Some("chanc")).await.0);
    assert_eq!(shown.len(), 4, "{shown:?}");
    for c in shown {
        let all = format!("{} {}", c.detail, c.fix.unwrap_or_default());
        assert!(all.contains(&format!("127.0.0.1:{port}")), "{all}");
        assert!(!all.contains("PASSWD") && !all.contains("QKEY"), "{all}");
    }
}

/// A rate limit or a failing Kick gets advice for that case, not "check the network".
#[tokio::test]
async fn a_rate_limit_and_a_failing_kick_get_their_own_advice() {
    let mut cfg = Config::default();
    for (answer, want) in [
        ("429 Too Many Requests\r\nretry-after: 90", "wait 90 s"),
        ("429 Too Many Requests\r\nretry-after: 3600", "wait 60 min"),
        (
            "429 Too Many Requests\r\nretry-after: abc",
            "wait about a minute",
        ),
        ("503 Service Unavailable", "Kick's side is failing"),
    ] {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        cfg.kick.api_base = format!("http://{}", listener.local_addr().expect("addr"));
        let reply = format!("HTTP/1.1 {answer}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            while let Ok((mut s, _)) = listener.accept().await {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                let _ = s.write_all(reply.as_bytes()).await;
            }
        });
        let (c, _) = kick_api(&cfg, Some("chanc")).await;
        assert_eq!(c.status, super::super::Status::Fail, "{c:?}");
        let fix = c.fix.unwrap_or_default();
        assert!(fix.contains(want), "{answer}: {fix}");
        assert!(!fix.contains("check the network"), "{fix}");
    }
}
