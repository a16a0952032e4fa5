//! The channel look-up: a banned, unknown or badly named channel, Cloudflare, a blocked API
//! with ids given, and a rate limit retried after its delay.

use kicktui::fake::ApiFailure;
use tokio::time::timeout;

use crate::fake;
use crate::support::{LIMIT, Run, count, db, test_config};

/// A banned channel: said at the lookup, not just "waiting for live" for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_banned_channel_is_said() {
    let kick = fake().await;
    kick.control().set_banned(true);
    let mut run = Run::start(
        &test_config(kick.kick_config()),
        &["clavicular", "--headless"],
    );
    run.expect("Kick says this channel is banned").await;
    let (status, _, _) = run.stop("TERM").await;
    assert!(status.success(), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudflare_without_ids_says_what_to_set_and_keeps_trying() {
    let kick = fake().await;
    let c = kick.control();
    c.set_api_failure(ApiFailure::Cloudflare);
    let mut run = Run::start(
        &test_config(kick.kick_config()),
        &["clavicular", "--headless"],
    );
    let line = run.expect("Kick API:").await;
    assert!(line.contains("Cloudflare challenge (403)") && line.contains("retrying in 5 min"));
    run.expect("set [kick] channel_id and chatroom_id").await;
    let (status, _, _) = run.stop("TERM").await;
    assert!(status.success(), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_api_leaves_chat_running_when_ids_are_given() {
    let kick = fake().await;
    let c = kick.control();
    c.set_api_failure(ApiFailure::Blocked);
    let mut kick_cfg = kick.kick_config();
    // No official credentials: live status comes from the (blocked) channel API.
    kick_cfg.client_id.clear();
    kick_cfg.client_secret = Default::default();
    let ids = ["--channel-id", "26869410", "--chatroom-id", "4567890"];
    let mut run = Run::start(
        &test_config(kick_cfg),
        &[&["clavicular", "--headless"], &ids[..]].concat(),
    );
    let found = run
        .expect_all(&["Connected to clavicular chat", "Kick API:"])
        .await;
    let line = &found[1];
    assert!(line.contains("blocked the request (403"), "{line}");
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.set_live("Still works");
    run.expect("Stream is LIVE!").await;
    let (status, _, dir) = run.stop("TERM").await;
    assert!(status.success(), "{status}");
    let db = db(&dir.path().join("data"));
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM sessions WHERE ended_at IS NOT NULL"
        ),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_lookup_is_retried_after_its_delay() {
    let kick = fake().await;
    let c = kick.control();
    c.set_api_failure(ApiFailure::RateLimited {
        retry_after: Some(1),
    });
    let mut run = Run::start(
        &test_config(kick.kick_config()),
        &["clavicular", "--headless"],
    );
    let line = run.expect("Kick API:").await;
    assert!(
        line.contains("rate limiting kicktui (429); retrying in 1 s"),
        "{line}"
    );
    c.set_api_failure(ApiFailure::None);
    run.expect_all(&["Kick API: answering again", "Connected to clavicular chat"])
        .await;
    let (status, _, _) = run.stop("TERM").await;
    assert!(status.success(), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_channel_is_reported_and_ends_the_run() {
    let kick = fake().await;
    let mut run = Run::start(
        &test_config(kick.kick_config()),
        &["nosuchchannel", "--headless"],
    );
    let line = run.expect("Kick API:").await;
    assert!(line.contains("no channel by that name (404)") && line.contains("not retrying"));
    let (status, lines, _) = run.finish().await;
    assert_eq!(status.code(), Some(1), "{}", lines.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_channel_name_is_refused_before_any_request() {
    let kick = fake().await;
    let run = Run::start(&test_config(kick.kick_config()), &["../etc", "--headless"]);
    let (status, _, dir) = run.finish().await;
    assert_eq!(status.code(), Some(2));
    // What is wrong and what a valid name looks like, on stderr.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .arg("--config")
        .arg(dir.path().join("config.toml"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(["../etc", "--headless"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    let why = "\"../etc\" is not a Kick channel name ('.' is not allowed): use letters, \
               digits, _ and - (at most 25 characters)";
    assert!(said.contains(why), "{said}");
    assert_eq!(kick.control().stats().api_requests, 0);
}
