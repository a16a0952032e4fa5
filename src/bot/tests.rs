//! The chat voice against the fake Kick OAuth + chat server: login by loopback redirect and by
//! pasted URL (PKCE checked by the fake), the token file, posting, refresh after a 401.

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::login::LoginFlow;
use super::token::{self, token_path};
use super::*;
use crate::config::Config;
use crate::fake::kick_chat::FakeKickChat;

const LIMIT: Duration = Duration::from_secs(30);

/// Pasted lines, then end of input.
fn lines(l: &[&str]) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel(l.len().max(1));
    for s in l {
        let _ = tx.try_send(s.to_string());
    }
    rx
}

pub(crate) fn config(fake: &FakeKickChat) -> Config {
    let mut c = Config::default();
    c.kick.client_id = "01TESTCLIENT".into();
    c.kick.client_secret = "app-secret".into();
    c.kick.oauth_base = fake.base();
    c.kick.official_api_base = fake.base();
    c.bot.enabled = true;
    c.bot.max_per_minute = 2;
    c.bot.redirect_uri = "http://127.0.0.1:0/callback".into();
    c
}

#[tokio::test]
async fn login_by_loopback_redirect_saves_a_0600_token() {
    let fake = FakeKickChat::start("01TESTCLIENT", "app-secret", 7200)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut flow = LoginFlow::start(&config(&fake), dir.path()).await.unwrap();
    assert!(flow.listening());
    assert!(
        flow.url()
            .starts_with(&format!("{}/oauth/authorize?", fake.base()))
    );
    assert!(flow.url().contains("code_challenge_method=S256"));
    // The "browser": opens the URL, the fake approves and redirects to the loopback port.
    let url = flow.url().to_string();
    let browser = tokio::spawn(async move {
        let page = reqwest::get(url).await.unwrap().text().await.unwrap();
        assert!(page.contains("logged in"), "{page}");
    });
    let code = flow.wait_code(lines(&[]), LIMIT).await.unwrap();
    let (path, t) = flow.finish(&code).await.unwrap();
    browser.await.unwrap();
    assert_eq!(path, token_path(dir.path()));
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(token::load(&path).unwrap(), t);
    assert_eq!(fake.issued(), (1, 0));
}

/// Over SSH: the browser ends on an address this machine never sees; it is pasted.
pub(crate) async fn login_by_paste(fake: &FakeKickChat, dir: &std::path::Path) {
    let mut c = config(fake);
    // A port nothing listens on, as on a remote box.
    c.bot.redirect_uri = "http://localhost.invalid:8976/callback".into();
    let mut flow = LoginFlow::start(&c, dir).await.unwrap();
    assert!(!flow.listening());
    let no_follow = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = no_follow.get(flow.url()).send().await.unwrap();
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("http://localhost.invalid:8976/callback?code="));
    let code = flow
        .wait_code(lines(&["not a url", &location]), LIMIT)
        .await
        .unwrap();
    flow.finish(&code).await.unwrap();
}

#[tokio::test]
async fn a_pasted_redirect_logs_in_and_a_wrong_one_does_not() {
    let fake = FakeKickChat::start("01TESTCLIENT", "app-secret", 7200)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    login_by_paste(&fake, dir.path()).await;
    assert_eq!(fake.issued(), (1, 0));
    let mut c = config(&fake);
    c.bot.redirect_uri = "http://localhost.invalid:8976/callback".into();
    let mut flow = LoginFlow::start(&c, dir.path()).await.unwrap();
    let pasted = "http://localhost.invalid:8976/callback?code=x&state=someone-elses";
    assert!(flow.wait_code(lines(&[pasted]), LIMIT).await.is_err());
    let mut c = Config::default();
    c.kick.client_id.clear();
    let err = LoginFlow::start(&c, dir.path())
        .await
        .err()
        .unwrap_or_default();
    assert!(err.contains("client_id and client_secret"), "{err}");
}

/// Nobody comes back from the browser: the login ends with a clear error, not a wait forever
/// (the clock is paused: no real minutes pass).
#[tokio::test(start_paused = true)]
async fn a_login_nobody_finishes_gives_up() {
    let fake = FakeKickChat::start("01TESTCLIENT", "app-secret", 7200)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut flow = LoginFlow::start(&config(&fake), dir.path()).await.unwrap();
    let (_typing, quiet) = mpsc::channel(1);
    let err = flow
        .wait_code(quiet, super::login::LOGIN_LIMIT)
        .await
        .unwrap_err();
    assert!(err.contains("within 10 minutes"), "{err}");
}

#[tokio::test]
async fn posts_go_out_in_order_duplicates_dropped_and_a_401_refreshes_the_token() {
    let (logs, _guard) = crate::test_logs::capture();
    let fake = FakeKickChat::start("01TESTCLIENT", "app-secret", 7200)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    login_by_paste(&fake, dir.path()).await;
    let mut cfg = config(&fake);
    cfg.bot.max_per_minute = 10;
    cfg.bot.broadcaster_user_id = 27_001_234;
    let setup = BotSetup::from_config(&cfg, dir.path()).unwrap();
    let (tx, mut events) = mpsc::channel(16);
    let cancel = CancellationToken::new();
    let bot = spawn(setup, tx, cancel.clone());
    let next = async |events: &mut mpsc::Receiver<BotEvent>| {
        tokio::time::timeout(Duration::from_secs(10), events.recv())
            .await
            .unwrap()
            .unwrap()
    };
    assert!(bot.say(Priority::Confirmation, "clip saved: 0:12:34"));
    assert_eq!(
        next(&mut events).await,
        BotEvent::Posted {
            text: "clip saved: 0:12:34".into()
        }
    );
    bot.say(Priority::Confirmation, "Clip saved: 0:12:34");
    fake.revoke_access();
    bot.say(Priority::Advisor, "gg chat");
    assert_eq!(
        next(&mut events).await,
        BotEvent::Posted {
            text: "gg chat".into()
        }
    );
    let posts = fake.posts();
    assert_eq!(posts.len(), 2, "the duplicate was dropped");
    assert_eq!(posts[0].kind, "bot");
    assert_eq!(posts[0].broadcaster_user_id, Some(27_001_234));
    assert_ne!(posts[0].token, posts[1].token, "refreshed after the 401");
    assert_eq!(fake.issued(), (1, 1));
    let saved = token::load(&token_path(dir.path())).unwrap();
    assert_eq!(saved.access_token.expose(), posts[1].token);
    cancel.cancel();
    let log = logs.text();
    assert!(log.contains("Kick token refreshed"), "{log}");
    assert!(
        log.contains("not posted, the same line is queued or went out in the last"),
        "a dropped duplicate is said: {log}"
    );
    for secret in ["AT-", "RT-", "app-secret"] {
        assert!(
            !log.contains(secret),
            "{secret} leaked into the log:\n{log}"
        );
    }
}

/// Says "hello" through a chat voice on `fake` with the login in `dir`; the failure's words.
async fn first_failure(fake: &FakeKickChat, dir: &std::path::Path) -> String {
    let setup = BotSetup::from_config(&config(fake), dir).unwrap();
    let (tx, mut events) = mpsc::channel(4);
    let bot = spawn(setup, tx, CancellationToken::new());
    bot.say(Priority::Confirmation, "hello");
    let ev = tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .unwrap();
    match ev {
        Some(BotEvent::Failed { why, .. }) => why,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[tokio::test]
async fn without_a_login_posting_fails_with_one_clear_line() {
    let fake = FakeKickChat::start("01TESTCLIENT", "app-secret", 7200)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let why = first_failure(&fake, dir.path()).await;
    assert!(why.contains("kicktui login kick"), "{why}");
    assert!(fake.posts().is_empty());
}

#[tokio::test]
async fn a_token_refused_even_after_a_refresh_says_to_log_in_again() {
    let fake = FakeKickChat::start("01TESTCLIENT", "app-secret", 7200)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    login_by_paste(&fake, dir.path()).await;
    fake.refuse_every_token();
    let why = first_failure(&fake, dir.path()).await;
    assert!(
        why.contains("log in again with `kicktui login kick`"),
        "{why}"
    );
    assert_eq!(fake.issued().1, 1, "refreshed once, then gave up");
}
