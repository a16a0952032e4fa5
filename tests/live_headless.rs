//! `kicktui <channel> --headless` and `kicktui demo --headless`, the real binary against the
//! fake Kick over loopback: moments in SQLite, reconnects with exactly-once counting, refusal,
//! API trouble, capture, and a clean stop on each signal.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use kicktui::fake::{ApiFailure, FakeChannel, FakeConfig, FakeKick};
use support::{LIMIT, Run, count, db, received, resubscribed, test_config};
use tokio::time::timeout;

/// The run's sessions of a stream (not waiting rooms).
fn stream_sessions(dir: &tempfile::TempDir) -> i64 {
    let db = db(&dir.path().join("data"));
    count(
        &db,
        "SELECT COUNT(*) FROM sessions WHERE stream_started_at IS NOT NULL",
    )
}

/// Waits for `n` more answers from the fake's APIs.
async fn more_answers(c: &kicktui::fake::FakeControl, n: u64) {
    let seen = c.stats().api_answers;
    timeout(LIMIT, c.wait_for(|s| s.api_answers >= seen + n))
        .await
        .unwrap();
}

async fn fake() -> FakeKick {
    FakeKick::start(FakeConfig::default()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripted_spikes_become_moments_in_sqlite() {
    let kick = fake().await;
    let c = kick.control();
    let cfg = test_config(kick.kick_config());
    let mut run = Run::start(
        &cfg,
        &[
            "clavicular",
            "--headless",
            "--capture",
            "{dir}/capture.jsonl",
        ],
    );
    run.expect("Capture is ON").await;
    run.expect_all(&[
        "Waiting for clavicular to go live...",
        "Connected to clavicular chat",
    ])
    .await;
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.set_live("Ranked");
    c.set_viewers(250);
    run.expect("Stream is LIVE! \"Ranked\"").await;
    c.burst(30, 10, Duration::from_millis(1500)).await;
    run.expect_any(&["KEYWORD BURST at", "EMOTE SPAM at"]).await;
    // Shown while building; a donation before it is final would join it.
    run.expect_any(&["final: KEYWORD BURST at", "final: EMOTE SPAM at"])
        .await;
    c.kicks("donor", 1000, "gg");
    run.expect("Kicks: donor sent 1000 Kicks ($10.00)").await;
    run.expect("DONATION at").await;
    // Shown while building: an event now would join it; wait until it is final.
    run.expect("final: DONATION at").await;
    c.gift_subs("gifter", 5);
    run.expect("SUB BURST at").await;
    run.expect("final: SUB BURST at").await;
    c.raid("bigstreamer", 500);
    run.expect("RAID at").await;
    run.expect("final: RAID at").await;
    // Recording is off: the dashboard says no recording covers them, as the database does
    // (it said "none", not cut yet).
    let state = run.api_state().await;
    let statuses: Vec<&str> = state["moments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["clipStatus"].as_str())
        .collect();
    assert_eq!(statuses, ["no_recording"; 4], "{state}");
    c.set_offline();
    run.expect("Stream went offline.").await;
    let (status, lines, dir) = run.stop("TERM").await;
    assert!(status.success(), "{status}\n{}", lines.join("\n"));
    assert_eq!(received(&lines), 30);
    // Under a service manager stdout is the log: it says why the run stopped.
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with("Stopping: asked to stop (SIGTERM)")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains(", 4 moments, 0 malformed")),
        "{lines:?}"
    );

    // The log file keeps what was printed about the stream, one line each, without rulers.
    let log = std::fs::read_to_string(dir.path().join("data/kicktui.log")).unwrap_or_default();
    for want in [
        "Stream is LIVE! \"Ranked\"",
        "Kicks: donor sent 1000 Kicks ($10.00)",
        "Moment #2 final: DONATION at",
        "RAID at",
        "Stream went offline.",
    ] {
        assert!(log.contains(want), "{want:?} in kicktui.log:\n{log}");
    }
    assert!(!log.contains("===="), "{log}");
    // Every line names the channel: two runs on other channels may share the file.
    assert!(
        log.lines().all(|l| l.contains("Z kick:clavicular ")),
        "{log}"
    );
    // The report has a file of its own: the log says where, without a second copy.
    assert!(log.contains("Stream report saved to"), "{log}");
    assert!(!log.contains("# Stream report"), "{log}");

    let db = db(&dir.path().join("data"));
    assert_eq!(count(&db, "SELECT count(*) FROM sessions"), 1);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM sessions WHERE stream_started_at IS NOT NULL \
             AND ended_at IS NOT NULL AND title = 'Ranked'"
        ),
        1
    );
    let mut stmt = db
        .prepare("SELECT trigger_type FROM moments WHERE offset_s >= 0 AND session_id = 1")
        .unwrap();
    let types: BTreeSet<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(types.contains("donation") && types.contains("sub_burst") && types.contains("raid"));
    assert!(
        types.contains("keyword") || types.contains("emote_spam"),
        "{types:?}"
    );
    assert!(count(&db, "SELECT count(*) FROM events WHERE kind = 'kicks'") == 1);
    assert!(count(&db, "SELECT count(*) FROM viewer_samples") >= 1);
    // Recording is off in this run: no moment is left pending for a clip that cannot come.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM moments WHERE clip_status != 'no_recording'"
        ),
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT chatroom_id FROM channel_cache WHERE slug = 'clavicular'"
        ),
        4_567_890
    );

    // The capture replays: every chat frame is there, with its receive time.
    let capture = dir.path().join("capture.jsonl");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .arg("replay")
        .arg(&capture)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["stats"]["chat_messages"], 30, "{}", report["stats"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn back_after_4200_4201_and_a_drop_counting_each_message_once() {
    let kick = fake().await;
    let c = kick.control();
    let mut run = Run::start(
        &test_config(kick.kick_config()),
        &["clavicular", "--headless"],
    );
    run.expect("Connected to clavicular chat").await;
    let mut conn = timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    for (i, fault) in [Some(4200), Some(4201), None].into_iter().enumerate() {
        for n in 0..20 {
            c.chat(&format!("viewer{n}"), "hello");
        }
        // Acked in order: once this line prints, every chat before it was counted.
        c.kicks("marker", 1, "");
        run.expect(&format!("Kicks: marker sent {} Kicks", 1)).await;
        match fault {
            Some(code) => c.close_all(code),
            None => c.drop_all(),
        }
        // Sent during the reconnect: a quick client may already be back for it (CI saw that
        // once), so only what the fake delivered must be counted, once.
        c.chat("lost", &format!("gap {i}"));
        // Back when the fake sees the new subscriptions.
        conn = resubscribed(&c, conn).await;
    }
    // However quick the reconnects, the output says how many there were.
    run.expect("Chat live (reconnected 3×)").await;
    c.chat("last", "one more");
    c.kicks("marker", 1, "");
    run.expect("Kicks: marker sent 1 Kicks").await;
    let (status, lines, _dir) = run.stop("INT").await;
    assert!(status.success(), "{status}");
    let delivered = c.with_stats(|s| s.delivered_count("ChatMessageEvent")) as u64;
    assert!(
        (61..=64).contains(&delivered),
        "{delivered} chat frames delivered"
    );
    assert_eq!(received(&lines), delivered, "{}", lines.join("\n"));
    let stats = c.stats();
    assert_eq!(
        (stats.closes(4200), stats.closes(4201), stats.drops),
        (1, 1, 1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_app_key_says_why_and_tries_again_later() {
    let kick = fake().await;
    let c = kick.control();
    let mut cfg = test_config(kick.kick_config());
    cfg.kick.pusher_url = kick.pusher_url_with_key("eb1d5f283081a78b932c");
    // Pusher only: `auto` would go on to Centrifugo (tests/chat_transport.rs).
    cfg.kick.transport = kicktui::config::ChatTransport::Pusher;
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    let line = run.expect("(refused: Kick refused").await;
    assert!(
        line.contains("Chat reconnecting in")
            && line.contains("refused: Kick refused the chat connection (Pusher: close code 4001")
            && line.contains("[kick] pusher_url"),
        "{line}"
    );
    assert_eq!(
        c.stats().connections_accepted,
        2,
        "one fresh look-up, then a wait before the next try"
    );
    let (status, lines, _dir) = run.stop("HUP").await;
    assert!(status.success(), "{status}");
    assert!(lines.iter().any(|l| l.contains("Received 0 chat messages")));
}

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

/// Ids left in a config several channels share are another channel's: while the API does
/// not answer chat joins with them, and once it answers chat moves to the channel's own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_moves_to_the_channels_own_ids_once_the_api_answers() {
    let kick = fake().await;
    let c = kick.control();
    c.set_api_failure(ApiFailure::RateLimited {
        retry_after: Some(1),
    });
    let mut kick_cfg = kick.kick_config();
    kick_cfg.client_id.clear();
    kick_cfg.client_secret = Default::default();
    let ids = ["--channel-id", "1001", "--chatroom-id", "2001"];
    let mut run = Run::start(
        &test_config(kick_cfg),
        &[&["clavicular", "--headless"], &ids[..]].concat(),
    );
    run.expect("Connected to clavicular chat").await;
    c.set_api_failure(ApiFailure::None);
    run.expect("are not this channel's").await;
    // The channel's own chat: its socket subscribes to the channel's names.
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.set_live("The right chat");
    run.expect("Stream is LIVE!").await;
    let (status, _, _) = run.stop("TERM").await;
    assert!(status.success(), "{status}");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_goes_live_with_chat_and_events() {
    // An alert command is configured: the demo's made-up events must not reach it.
    let dir = tempfile::tempdir().unwrap();
    let alerted = dir.path().join("alerted");
    let mut cfg = kicktui::config::Config::default();
    cfg.alerts.command = vec!["touch".into(), alerted.display().to_string()];
    cfg.alerts.command_events = vec!["live".into(), "moment".into()];
    let uploaded = dir.path().join("uploaded");
    cfg.clips.on_ready = vec!["touch".into(), uploaded.display().to_string()];
    // No dashboard: the default port may be another test's or a running kicktui's.
    let mut run = Run::start_in(dir, &cfg, &["demo", "--headless", "--dashboard", "off"]);
    run.expect_all(&[
        "Alerts and [clips] on_ready are off in the demo",
        "Waiting for novaplays to go live...",
        "Connected to novaplays chat",
    ])
    .await;
    run.expect("Stream is LIVE!").await;
    run.expect("New sub: cozy_otter").await;
    let (status, lines, dir) = run.stop("TERM").await;
    assert!(status.success(), "{status}");
    assert!(received(&lines) > 0);
    assert!(!alerted.exists(), "the demo ran the alert command");
    // Not "[clips] cut_at_quit = true": the user's config did not say that.
    let quit = lines.iter().find(|l| l.contains("Quit while live"));
    assert!(
        quit.is_some_and(|l| l.ends_with("now (the demo cuts them at quit)")),
        "{}",
        lines.join("\n")
    );
    // The clip command the demo suggests, on its data dir, runs no upload hook either.
    let demo_dir = dir.path().join("data").join("demo");
    let clip = std::process::Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .arg("--config")
        .arg(dir.path().join("config.toml"))
        .arg("--data-dir")
        .arg(&demo_dir)
        .args(["clip", "--pending"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&clip.stderr);
    assert!(clip.status.success(), "{err}");
    assert!(
        err.contains("on_ready is not run here: this is the demo's data dir"),
        "{err}"
    );
    assert!(
        !uploaded.exists(),
        "the demo's clips reached the upload hook"
    );
    let db = db(&demo_dir);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM sessions WHERE stream_started_at IS NOT NULL"
        ),
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM events WHERE kind = 'subscription'"
        ),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joining_a_running_stream_counts_offsets_from_its_start() {
    // 1h 23m 15s ago: the donation lands in minute 83 however slow the start is.
    let started = kicktui::time::wall_now().plus_ms(-4_995_000);
    let channel = FakeChannel::new("clavicular", 26_869_410, 4_567_890, 27_001_234)
        .live("Marathon", 900, started);
    let kick = FakeKick::start(FakeConfig {
        channels: vec![channel],
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let c = kick.control();
    let mut run = Run::start(
        &test_config(kick.kick_config()),
        &["clavicular", "--headless"],
    );
    run.expect_all(&[
        "Stream is LIVE! \"Marathon\"",
        "Connected to clavicular chat",
    ])
    .await;
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.kicks("donor", 2000, "");
    let line = run.expect("DONATION at").await;
    assert!(line.contains("DONATION at 1h 23m"), "{line}");
    let (status, _, dir) = run.stop("TERM").await;
    assert!(status.success());
    let db = db(&dir.path().join("data"));
    assert_eq!(
        count(&db, "SELECT CAST(offset_s / 60 AS INT) FROM moments"),
        83
    );
    assert_eq!(
        count(&db, "SELECT viewers FROM viewer_samples LIMIT 1"),
        900
    );
}

/// Started while the channel is already live (after a crash, or just late): the "live"
/// alert names the channel (it said " is LIVE: …" when it came before the first snapshot).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starting_while_live_names_the_channel_in_the_live_alert() {
    use axum::routing::post;
    let kick = fake().await;
    let c = kick.control();
    c.set_live("Already on");
    let (tx, mut bodies) = tokio::sync::mpsc::unbounded_channel::<serde_json::Value>();
    let app = axum::Router::new().route(
        "/hook",
        post(move |axum::Json(body): axum::Json<serde_json::Value>| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(body);
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await });
    let mut cfg = test_config(kick.kick_config());
    cfg.alerts.webhook_url = url.as_str().into();
    cfg.alerts.webhook_events = vec!["live".into()];
    let run = Run::start(&cfg, &["clavicular", "--headless"]);
    let body = timeout(LIMIT, bodies.recv()).await.unwrap().unwrap();
    assert_eq!(body["event"], "live", "{body}");
    assert_eq!(body["text"], "clavicular is LIVE: Already on", "{body}");
    let (status, _, _) = run.stop("TERM").await;
    assert!(status.success());
}

/// A slow API's first answer, asked for before the stream went live, comes after the chat
/// socket has said live: the stream goes on. It ended the stream at 0 s and the next poll
/// opened a second session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_first_api_answer_does_not_end_a_stream_the_socket_started() {
    let kick = fake().await;
    let c = kick.control();
    let ids = c.info();
    let mut cfg = test_config(kick.kick_config());
    // Ids given and no official API: the one status request is the channel API's.
    cfg.kick.channel_id = ids.channel_id;
    cfg.kick.chatroom_id = ids.chatroom_id;
    cfg.kick.client_id = String::new();
    cfg.kick.client_secret = Default::default();
    cfg.kick.client_secret = Default::default();
    cfg.recorder.poll_interval_seconds = 5;
    c.set_api_lag(Duration::from_secs(2));
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    timeout(LIMIT, c.wait_for(|s| s.api_requests >= 1))
        .await
        .unwrap();
    c.set_live("Just started");
    run.expect("Stream is LIVE!").await;
    c.set_api_lag(Duration::ZERO);
    // The stale "offline", a fresh "live" at once (the socket's word asks for one), and the
    // next poll's: the first two have been acted on by then.
    timeout(LIMIT, c.wait_for(|s| s.api_answers >= 3))
        .await
        .unwrap();
    let (status, out, dir) = run.stop("TERM").await;
    let out = out.join("\n");
    assert!(status.success());
    assert!(!out.contains("went offline"), "{out}");
    assert_eq!(stream_sessions(&dir), 1, "{out}");
}

/// One "offline" answer from the API, with nothing from the chat socket, is checked again
/// before the stream ends: a flaky API split a stream into two sessions, with a second
/// "live" alert. A second "offline" in a row ends it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_offline_api_answer_is_checked_again_before_the_stream_ends() {
    let kick = fake().await;
    let c = kick.control();
    let mut cfg = test_config(kick.kick_config());
    cfg.recorder.poll_interval_seconds = 5;
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.set_live("Flaky");
    run.expect("Stream is LIVE!").await;
    // The API has said live.
    more_answers(&c, 1).await;
    c.set_api_says_offline(true);
    more_answers(&c, 1).await;
    c.set_api_says_offline(false);
    // A "live" answer, and one more: the first has been acted on by then.
    more_answers(&c, 2).await;
    // Offline for good, as far as the API knows: the stream ends once the API has said so
    // for 15 s, not at its next answer (a poll comes every 5 s).
    c.set_api_says_offline(true);
    more_answers(&c, 1).await;
    let first_offline = std::time::Instant::now();
    let first_offline_wall = kicktui::time::wall_now();
    run.expect_within(&["Stream went offline"], Duration::from_secs(30))
        .await;
    let waited = first_offline.elapsed();
    assert!(waited >= Duration::from_secs(13), "{waited:?}");
    let (status, out, dir) = run.stop("TERM").await;
    let out = out.join("\n");
    assert!(status.success());
    assert_eq!(out.matches("Stream is LIVE!").count(), 1, "{out}");
    assert_eq!(stream_sessions(&dir), 1, "{out}");
    // The session ends when the API first said offline, not at the confirmation 15 s later.
    let ended_ms = count(
        &db(&dir.path().join("data")),
        "SELECT CAST(round((julianday(ended_at) - 2440587.5) * 86400000) AS INTEGER) \
         FROM sessions WHERE stream_started_at IS NOT NULL",
    );
    assert!(
        ended_ms <= first_offline_wall.0 + 1_000,
        "ended {} ms after the first offline answer",
        ended_ms - first_offline_wall.0
    );
}

/// A clip `kicktui clip` cuts in another terminal while the stream goes on reaches the live
/// run's front ends (here the headless line; the TUI and the dashboard take the same update).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clip_cut_beside_the_live_run_is_told() {
    let kick = fake().await;
    let c = kick.control();
    let mut run = Run::start(
        &test_config(kick.kick_config()),
        &["clavicular", "--headless"],
    );
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.set_live("Clipping beside");
    run.expect("Stream is LIVE!").await;
    c.kicks("donor", 1000, "gg");
    // Shown once stored.
    run.expect("DONATION at").await;
    // What `kicktui clip --moment 1` leaves in the database.
    let clip = run.path("m1.mp4");
    std::fs::write(&clip, b"not really a clip").unwrap();
    db(&run.data_dir())
        .execute(
            "UPDATE moments SET clip_status = 'done', clip_path = ?1 WHERE id = 1",
            [clip.to_string_lossy()],
        )
        .unwrap();
    let told = run
        .expect_within(&["Clip of moment #1"], Duration::from_secs(40))
        .await;
    assert!(told.contains("m1.mp4"), "{told}");
    let (status, _, _) = run.stop("TERM").await;
    assert!(status.success());
}

/// Ctrl-C again while the orderly stop waits (here for an alert target that never answers)
/// stops at once, saying what is left for later.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_ctrl_c_stops_at_once() {
    let kick = fake().await;
    let c = kick.control();
    // Takes the alert's connection and never answers it.
    let hang = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", hang.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((s, _)) = hang.accept().await {
            open.push(s);
        }
    });
    let mut cfg = test_config(kick.kick_config());
    cfg.alerts.webhook_url = url.as_str().into();
    cfg.alerts.webhook_events = vec!["live".into()];
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.set_live("Hanging alert");
    run.expect("Stream is LIVE!").await;
    let pid = run.pid().to_string();
    let int = || {
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
    };
    assert!(int().success());
    run.expect("Alerts: sending the last ones").await;
    let asked = std::time::Instant::now();
    assert!(int().success());
    let (status, _, dir) = run.finish().await;
    assert_eq!(status.code(), Some(130), "{status}");
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "{:?}",
        asked.elapsed()
    );
    let log = std::fs::read_to_string(dir.path().join("data/kicktui.log")).unwrap_or_default();
    assert!(log.contains("Stopping now (Ctrl-C again)"), "{log}");
    // The alerts' wait is in the log once, as a warning.
    let waited: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("Alerts: sending the last ones"))
        .collect();
    assert_eq!(waited.len(), 1, "{log}");
    assert!(waited[0].contains("WARN"), "{log}");
    held.abort();
}

/// A laptop's lid closed mid-stream (here: the process stopped): the time kicktui did not run
/// is said, and is a gap in chat rather than minutes of silence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn time_kicktui_did_not_run_is_said_and_is_a_gap() {
    let channel = FakeChannel::new("clavicular", 26_869_410, 4_567_890, 27_001_234).live(
        "Late night",
        900,
        kicktui::time::wall_now(),
    );
    let kick = FakeKick::start(FakeConfig {
        channels: vec![channel],
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let mut run = Run::start(
        &test_config(kick.kick_config()),
        &["clavicular", "--headless"],
    );
    run.expect("Connected to clavicular chat").await;
    let signal = |name: &str| {
        let sent = std::process::Command::new("kill")
            .args([format!("-{name}"), run.pid().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -{name}");
    };
    signal("STOP");
    // The suspend itself: longer than any stall of a running engine.
    tokio::time::sleep(Duration::from_secs(17)).await;
    signal("CONT");
    let line = run.expect("kicktui did not run for").await;
    assert!(
        line.contains("did not run for 1") && line.contains("a gap in chat, not as silence"),
        "{line}"
    );
    let (status, lines, _) = run.stop("TERM").await;
    assert!(status.success(), "{}", lines.join("\n"));
    let said = lines.iter().filter(|l| l.contains("did not run")).count();
    assert_eq!(said, 1, "said once:\n{}", lines.join("\n"));
}
