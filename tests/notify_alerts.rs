//! Alerts against a local HTTP server that records every request and answers as scripted
//! (429 with `retry_after`, 500, 200): retries, backoff, giving up, the events each target
//! asked for, the clip-ready details, and webhook URLs kept out of the logs.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use kicktui::domain::{DonationData, TriggerData, TriggerType, Ts};
use kicktui::engine::feed::Feed;
use kicktui::engine::update::{ClipNews, RecorderNews, Snapshot, Update};
use kicktui::media::ClipState;
use kicktui::notify::alert::Alert;
use kicktui::notify::secret::SecretUrl;
use kicktui::notify::{self, Backoff, Target};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

mod serve_support;

const LIMIT: Duration = Duration::from_secs(15);

/// Per path: the answers to give, in order; then 200.
type Answers = std::collections::HashMap<String, VecDeque<(u16, String)>>;

#[derive(Clone, Default)]
struct Script {
    answers: Arc<Mutex<Answers>>,
    seen: Option<mpsc::UnboundedSender<(String, Value, Instant)>>,
}

async fn record(
    State(s): State<Script>,
    Path(name): Path<String>,
    body: String,
) -> (StatusCode, String) {
    let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    if let Some(tx) = &s.seen {
        let _ = tx.send((name.clone(), json, Instant::now()));
    }
    let next = s
        .answers
        .lock()
        .unwrap()
        .get_mut(&name)
        .and_then(|q| q.pop_front());
    let (code, body) = next.unwrap_or((200, String::new()));
    // 0: a slow target, that takes the alert but answers only after a second.
    if code == 0 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        return (StatusCode::NO_CONTENT, body);
    }
    (StatusCode::from_u16(code).unwrap(), body)
}

struct Receiver {
    base: String,
    script: Script,
    seen: mpsc::UnboundedReceiver<(String, Value, Instant)>,
}

impl Receiver {
    async fn start() -> Receiver {
        let (tx, seen) = mpsc::unbounded_channel();
        let script = Script {
            seen: Some(tx),
            ..Script::default()
        };
        let app = Router::new()
            .route("/hooks/{name}", post(record))
            .with_state(script.clone());
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/hooks", l.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(l, app).await });
        Receiver { base, script, seen }
    }

    fn answer(&self, name: &str, answers: &[(u16, &str)]) {
        self.script.answers.lock().unwrap().insert(
            name.into(),
            answers.iter().map(|(c, b)| (*c, b.to_string())).collect(),
        );
    }

    fn url(&self, name: &str) -> SecretUrl {
        SecretUrl::new(&format!("{}/{name}", self.base)).unwrap()
    }

    async fn next(&mut self) -> (String, Value, Instant) {
        tokio::time::timeout(LIMIT, self.seen.recv())
            .await
            .expect("a request in time")
            .unwrap()
    }
}

fn fast() -> Backoff {
    Backoff {
        first: Duration::from_millis(20),
        max: Duration::from_millis(100),
        attempts: 3,
        rate_limited_for: Duration::from_secs(2),
        attempt_timeout: Duration::from_secs(30),
    }
}

fn events(e: &[&str]) -> Vec<String> {
    e.iter().map(|s| s.to_string()).collect()
}

fn named(feed: &Feed) {
    feed.send(Update::Snapshot(Snapshot {
        channel: "clavicular".into(),
        ..Snapshot::default()
    }));
}

/// Session 1 goes live at 0 as the API says (`resumed`: a restart picked it up again).
fn went_live(title: Option<&str>, resumed: bool) -> Update {
    Update::WentLive {
        at: Ts(0),
        title: title.map(str::to_string),
        session: Some(1),
        source: kicktui::kickapi::LiveSource::Api,
        resumed,
    }
}

/// The channel is named and goes live with a title.
fn named_and_live(feed: &Feed) {
    named(feed);
    feed.send(went_live(Some("Ranked grind"), false));
}

/// The channel is named, goes live untitled, and goes offline a minute later.
fn live_then_offline(feed: &Feed) {
    named(feed);
    feed.send(went_live(None, false));
    feed.send(Update::WentOffline { at: Ts(60_000) });
}

/// A Twitch cheer is stored as a `donation` moment: the alert keeps that `type` and names it
/// as the TUI, log and dashboard do (`headline`: `CHEER`), in its data and its words.
#[tokio::test]
async fn a_cheer_moment_is_named_a_cheer_in_the_alert() {
    let mut rx = Receiver::start().await;
    let feed = Feed::new();
    let cancel = CancellationToken::new();
    let targets = vec![
        (Target::Webhook(rx.url("hook")), events(&["moment"])),
        (Target::Discord(rx.url("discord")), events(&["moment"])),
    ];
    notify::spawn(targets, &feed, fast(), cancel.clone()).unwrap();
    feed.send(Update::Snapshot(Snapshot {
        channel: "twitch:clavicular".into(),
        ..Snapshot::default()
    }));
    let mut cheer = serve_support::moment(5025.0);
    cheer.trigger_type = TriggerType::Donation;
    cheer.triggers[0].kind = TriggerType::Donation;
    cheer.triggers[0].data = TriggerData::Donation(DonationData {
        amount_usd: 10.0,
        bits: Some(1000),
        kicks: None,
        username: "fan".into(),
    });
    feed.send(Update::Moment {
        id: Some(9),
        moment: cheer,
    });
    let mut got = Vec::new();
    for _ in 0..2 {
        let (name, body, _) = rx.next().await;
        got.push((name, body));
    }
    got.sort_by(|a, b| a.0.cmp(&b.0));
    let content = got[0].1["content"].as_str().unwrap_or_default();
    assert!(
        content.starts_with("twitch:clavicular: CHEER at 1h 23m 45s: "),
        "{content}"
    );
    let data = &got[1].1["data"];
    assert_eq!(
        (&data["type"], &data["headline"]),
        (&json!("donation"), &json!("CHEER")),
        "{data}"
    );
    cancel.cancel();
}

/// Log lines of this test (the runtime is single-threaded, so every task logs here).
#[tokio::test]
async fn discord_429_retry_after_is_honoured_then_it_is_sent() {
    let mut rx = Receiver::start().await;
    rx.answer(
        "discord",
        &[(
            429,
            r#"{"message": "rate limited", "retry_after": 0.3, "global": false}"#,
        )],
    );
    let feed = Feed::new();
    let cancel = CancellationToken::new();
    let targets = vec![(Target::Discord(rx.url("discord")), events(&["live"]))];
    notify::spawn(targets, &feed, fast(), cancel.clone()).unwrap();
    named_and_live(&feed);
    let (_, first, t0) = rx.next().await;
    let (_, second, t1) = rx.next().await;
    assert_eq!(
        first,
        json!({"content": "clavicular is LIVE: Ranked grind", "allowed_mentions": {"parse": []}})
    );
    assert_eq!(second, first);
    assert!(
        t1 - t0 >= Duration::from_millis(300),
        "waited {:?}",
        t1 - t0
    );
    cancel.cancel();
}

/// A burst of alerts meets Discord's rate limit: the 429s it answers use up no attempt (it
/// said when to come back), so an alert is sent after more 429s than there are attempts.
#[tokio::test]
async fn rate_limits_use_up_no_attempt() {
    let mut rx = Receiver::start().await;
    let limited = (
        429,
        r#"{"message": "rate limited", "retry_after": 0.05, "global": false}"#,
    );
    rx.answer("discord", &[limited, limited, limited, limited]);
    let feed = Feed::new();
    let cancel = CancellationToken::new();
    let targets = vec![(Target::Discord(rx.url("discord")), events(&["live"]))];
    notify::spawn(targets, &feed, fast(), cancel.clone()).unwrap();
    named_and_live(&feed);
    // Four 429s, then the fifth request (answered 200): with 3 attempts it gave up at the third.
    for _ in 0..5 {
        rx.next().await;
    }
    assert!(rx.script.answers.lock().unwrap()["discord"].is_empty());
    cancel.cancel();
}

/// A target that answers 429 for ever: the alert is given up once it has been rate limited
/// for `rate_limited_for`, not retried without end.
#[tokio::test]
async fn an_alert_rate_limited_too_long_is_given_up() {
    let (logs, _guard) = kicktui::test_logs::capture();
    let mut rx = Receiver::start().await;
    let limited = (429, r#"{"retry_after": 0.5, "global": false}"#);
    rx.answer("discord", &[limited; 20]);
    let http = reqwest::Client::new();
    let alert = live_alert();
    let target = Target::Discord(rx.url("discord"));
    let t0 = std::time::Instant::now();
    assert!(!notify::deliver::deliver(&http, &target, &alert, fast()).await);
    assert!(t0.elapsed() < Duration::from_secs(4), "{:?}", t0.elapsed());
    let text = logs.text();
    assert!(text.contains("rate limited (429) for "), "{text}");
    assert!(text.contains("past the 2 s an alert waits"), "{text}");
    for _ in 0..4 {
        rx.next().await;
    }
}

#[tokio::test]
async fn failures_are_retried_with_backoff_then_given_up_in_one_line() {
    let (logs, _guard) = kicktui::test_logs::capture();
    let mut rx = Receiver::start().await;
    rx.answer("hook", &[(500, ""), (500, ""), (500, "")]);
    let feed = Feed::new();
    let cancel = CancellationToken::new();
    let targets = vec![(
        Target::Webhook(rx.url("hook")),
        events(&["live", "offline"]),
    )];
    notify::spawn(targets, &feed, fast(), cancel.clone()).unwrap();
    live_then_offline(&feed);
    let mut times = Vec::new();
    for _ in 0..3 {
        let (_, body, t) = rx.next().await;
        assert_eq!(body["event"], "live");
        times.push(t);
    }
    // 20 ms, then 40 ms: the backoff doubles.
    assert!(times[1] - times[0] >= Duration::from_millis(20));
    assert!(times[2] - times[1] >= Duration::from_millis(40));
    // Given up; the next alert goes out.
    let (_, body, _) = rx.next().await;
    assert_eq!(
        body,
        json!({"event": "offline", "text": "clavicular went offline",
            "data": {"channel": "clavicular", "time": "1970-01-01T00:01:00Z"}})
    );
    cancel.cancel();
    let text = logs.text();
    let given_up: Vec<&str> = text.lines().filter(|l| l.contains("given up")).collect();
    assert_eq!(given_up.len(), 1, "{text}");
    assert!(given_up[0].contains("after 3 attempts: HTTP 500"), "{text}");
    assert!(
        !text.contains("/hooks/hook"),
        "a webhook URL reached the log:\n{text}"
    );
}

/// A target slower than the attempt's time limit has probably got the alert anyway: it is
/// sent once more at most, not once per attempt.
#[tokio::test]
async fn a_target_that_answers_too_late_gets_the_alert_twice_at_most() {
    let (logs, _guard) = kicktui::test_logs::capture();
    let mut rx = Receiver::start().await;
    rx.answer("slow", &[(0, ""), (0, ""), (0, ""), (0, ""), (0, "")]);
    let feed = Feed::new();
    let cancel = CancellationToken::new();
    let targets = vec![(
        Target::Webhook(rx.url("slow")),
        events(&["live", "offline"]),
    )];
    let backoff = Backoff {
        attempts: 5,
        attempt_timeout: Duration::from_millis(200),
        ..fast()
    };
    notify::spawn(targets, &feed, backoff, cancel.clone()).unwrap();
    live_then_offline(&feed);
    let mut events_seen = Vec::new();
    for _ in 0..3 {
        let (_, body, _) = rx.next().await;
        events_seen.push(body["event"].as_str().unwrap_or("").to_string());
    }
    assert_eq!(events_seen, ["live", "live", "offline"]);
    cancel.cancel();
    let text = logs.text();
    assert!(
        text.contains(
            "given up after 2 attempts: no answer within 200ms, 2 times (it may have arrived)"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn a_refused_alert_is_not_retried_and_unreachable_urls_stay_out_of_the_log() {
    let (logs, _guard) = kicktui::test_logs::capture();
    let mut rx = Receiver::start().await;
    rx.answer("gone", &[(404, "")]);
    let http = reqwest::Client::new();
    let alert = live_alert();
    assert!(
        !notify::deliver::deliver(&http, &Target::Webhook(rx.url("gone")), &alert, fast()).await
    );
    rx.next().await;
    assert!(rx.seen.try_recv().is_err(), "a 404 is not retried");
    // Nothing listens here: connection refused, retried, given up. (Port 1, not a port freed
    // a moment ago, which a parallel test's listener could take.)
    let dead = "http://127.0.0.1:1/api/webhooks/1/s3cr3t".to_string();
    let target = Target::Discord(SecretUrl::new(&dead).unwrap());
    assert!(!notify::deliver::deliver(&http, &target, &alert, fast()).await);
    let text = logs.text();
    assert!(text.contains("given up after 3 attempts"), "{text}");
    // Said at the first failure, with the cause (not only "error sending request").
    let first = text
        .lines()
        .find(|l| l.contains("retrying"))
        .expect("first failure");
    assert!(first.contains("Connection refused"), "{first}");
    assert!(
        !text.contains("s3cr3t") && !text.contains("/hooks/gone"),
        "{text}"
    );
}

#[tokio::test]
async fn clip_ready_comes_once_the_file_is_final_with_its_details() {
    let mut rx = Receiver::start().await;
    let feed = Feed::new();
    let cancel = CancellationToken::new();
    let targets = vec![
        (
            Target::Webhook(rx.url("hook")),
            events(&["clip_ready", "moment"]),
        ),
        (
            Target::Discord(rx.url("discord")),
            events(&["clip_ready", "recording_stalled"]),
        ),
    ];
    notify::spawn(targets, &feed, fast(), cancel.clone()).unwrap();
    named(&feed);
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("clavicular_s001_m3.mp4");
    std::fs::write(&clip, vec![0u8; 1_234_567]).unwrap();
    // As the engine sends it: shown while building, then final with the same id. The alert
    // comes once, when final; the same final update again is not a second one.
    feed.send(Update::MomentBuilding {
        id: Some(3),
        moment: serve_support::moment(5025.0),
    });
    for _ in 0..2 {
        feed.send(Update::Moment {
            id: Some(3),
            moment: serve_support::moment(5025.0),
        });
    }
    let (name, m, _) = rx.next().await;
    assert_eq!(name, "hook");
    assert_eq!(m["event"], "moment");
    assert_eq!(
        m["text"],
        "clavicular: KEYWORD BURST at 1h 23m 45s: Keywords: CLIP (5x)"
    );
    let news_of = |id, state| {
        Update::Clip(ClipNews {
            session: 1,
            moment_id: Some(id),
            state,
            progress: None,
        })
    };
    let clip_news = |state| news_of(3, state);
    feed.send(clip_news(ClipState::Queued));
    feed.send(clip_news(ClipState::Cutting));
    feed.send(clip_news(ClipState::Ready {
        path: clip.clone(),
        duration: 30.0,
    }));
    // The same news again is not a second alert.
    feed.send(clip_news(ClipState::Ready {
        path: clip.clone(),
        duration: 30.0,
    }));
    feed.send(Update::Recorder(RecorderNews::Stalled { after_s: 20 }));
    let mut got = Vec::new();
    for _ in 0..3 {
        let (name, body, _) = rx.next().await;
        got.push((name, body));
    }
    got.sort_by(|a, b| a.0.cmp(&b.0));
    let path = clip.display().to_string();
    assert_eq!(got[0].0, "discord");
    assert_eq!(
        got[0].1["content"],
        format!("clavicular: Clip ready: KEYWORD BURST at 1h 23m 45s → {path} (1.2 MB)")
    );
    assert_eq!(got[1].0, "discord");
    assert_eq!(
        got[1].1["content"],
        "Recording of clavicular STALLED: no growth for 20 s; restarting"
    );
    assert_eq!(got[2].0, "hook");
    assert_eq!(
        got[2].1["data"],
        json!({"channel": "clavicular", "momentId": 3, "time": "2026-02-27T10:30:00Z",
            "offset": 5025.0, "type": "keyword", "headline": "KEYWORD BURST", "path": path,
            "bytes": 1_234_567,
            "status": "ready", "durationS": 30.0, "askedS": null})
    );
    // A short clip says so, in words and in data.
    feed.send(Update::Moment {
        id: Some(4),
        moment: serve_support::moment(5025.0),
    });
    feed.send(news_of(
        4,
        ClipState::Short {
            path: clip.clone(),
            duration: 43.1,
            asked: 55.0,
            why: None,
        },
    ));
    let mut got = Vec::new();
    for _ in 0..3 {
        let (name, body, _) = rx.next().await;
        got.push((name, body));
    }
    let short = got.iter().find(|(n, _)| n == "discord").expect("discord");
    assert!(
        short.1["content"]
            .as_str()
            .unwrap()
            .starts_with("clavicular: Clip ready but SHORT (43 of 55 s): KEYWORD BURST"),
        "{}",
        short.1
    );
    let data = &got
        .iter()
        .find(|(n, b)| n == "hook" && b["event"] == "clip_ready")
        .expect("hook")
        .1["data"];
    assert_eq!(
        (&data["status"], &data["askedS"]),
        (&json!("short"), &json!(55.0))
    );
    cancel.cancel();
    assert!(rx.seen.try_recv().is_err(), "no other request");
}

#[tokio::test]
async fn a_command_gets_the_alert_in_its_argv_and_environment() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("alert.json");
    let argv = vec![
        "sh".to_string(),
        "-c".to_string(),
        format!(
            "printf '%s|%s|%s' \"$1\" \"$KICKTUI_EVENT\" \"$KICKTUI_ALERT\" > '{}'",
            out.display()
        ),
        "sh".to_string(),
        "{path}".to_string(),
    ];
    let alert = Alert {
        event: "clip_ready",
        text: "Clip ready".into(),
        data: json!({"path": "/c/a.mp4"}),
    };
    let http = reqwest::Client::new();
    assert!(notify::deliver::deliver(&http, &Target::Command(argv), &alert, fast()).await);
    let text = std::fs::read_to_string(&out).unwrap();
    let (head, json) = text.split_at(text.find('{').unwrap());
    assert_eq!(head, "/c/a.mp4|clip_ready|");
    let v: Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["text"], "Clip ready");
    // Without a file, an argument that is only {path} is left out, not passed empty.
    let live = Alert {
        event: "live",
        text: "clavicular is LIVE".into(),
        data: json!({"channel": "clavicular"}),
    };
    let counted = vec![
        "sh".to_string(),
        "-c".to_string(),
        format!("printf '%s' \"$#\" > '{}'", out.display()),
        "sh".to_string(),
        "{text}".to_string(),
        "{path}".to_string(),
    ];
    assert!(notify::deliver::deliver(&http, &Target::Command(counted), &live, fast()).await);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "1");
    let fails = vec!["sh".into(), "-c".into(), "exit 3".into()];
    assert!(!notify::deliver::deliver(&http, &Target::Command(fails), &alert, fast()).await);
}

#[tokio::test]
async fn at_quit_the_alerts_already_due_still_go_out() {
    let mut rx = Receiver::start().await;
    rx.answer("hook", &[(500, "")]);
    let feed = Feed::new();
    let cancel = CancellationToken::new();
    let targets = vec![(
        Target::Webhook(rx.url("hook")),
        events(&["live", "offline"]),
    )];
    let alerts = notify::spawn(targets, &feed, fast(), cancel.clone()).unwrap();
    live_then_offline(&feed);
    // The engine ends at once: both alerts (the first after a retry) go out before quitting.
    alerts.drain(LIMIT, |_| {}).await;
    cancel.cancel();
    let mut sent = Vec::new();
    while let Ok((_, body, _)) = rx.seen.try_recv() {
        sent.push(body["event"].as_str().unwrap_or_default().to_string());
    }
    assert_eq!(sent, ["live", "live", "offline"]);
}

#[tokio::test]
async fn at_quit_a_target_that_never_answers_is_named_with_what_it_missed() {
    let (logs, _guard) = kicktui::test_logs::capture();
    // Accepts connections and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/silent", silent.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((s, _)) = silent.accept().await {
            open.push(s);
        }
    });
    let feed = Feed::new();
    let cancel = CancellationToken::new();
    let targets = vec![(
        Target::Webhook(SecretUrl::new(&url).unwrap()),
        events(&["offline"]),
    )];
    let alerts = notify::spawn(targets, &feed, fast(), cancel.clone()).unwrap();
    named(&feed);
    feed.send(Update::WentOffline { at: Ts(60_000) });
    let started = Instant::now();
    let said = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let screen = said.clone();
    alerts
        .drain(Duration::from_millis(300), move |l| {
            screen.lock().unwrap().push(l)
        })
        .await;
    assert!(
        started.elapsed() < LIMIT,
        "quitting waits for the limit only"
    );
    // On the screen too (a closed TUI has no log pane): the wait, then what was lost.
    let said = said.lock().unwrap().clone();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(said[1].contains("1 not sent to") && !said[1].contains("/hooks/silent"));
    assert!(said[1].contains("kicktui quit"), "{said:?}");
    cancel.cancel();
    held.abort();
    // The front end logs what it says (once): the alerts' own log does not repeat it.
    let text = logs.text();
    assert!(!text.contains("not sent to"), "{text}");
    assert!(
        !text.contains("/hooks/silent"),
        "the URL reached the log:\n{text}"
    );
}

/// A restart after a crash goes on with the stream's session: the channel went live once, so
/// the server hears "live" once (the first run sent it), and "offline" at the end.
#[tokio::test]
async fn a_stream_resumed_after_a_crash_is_not_announced_live_again() {
    let mut rx = Receiver::start().await;
    let feed = Feed::new();
    let cancel = CancellationToken::new();
    let targets = vec![(
        Target::Discord(rx.url("discord")),
        events(&["live", "offline"]),
    )];
    notify::spawn(targets, &feed, fast(), cancel.clone()).unwrap();
    named(&feed);
    feed.send(went_live(Some("Ranked grind"), true));
    feed.send(Update::WentOffline { at: Ts(60_000) });
    let (_, first, _) = rx.next().await;
    assert_eq!(first["content"], "clavicular went offline", "{first}");
    cancel.cancel();
}

/// The recordings' disk filling up reaches Discord (a streamer away from the terminal hears of
/// it in time) and the webhook with its numbers.
#[tokio::test]
async fn a_filling_disk_is_a_disk_low_alert() {
    let mut rx = Receiver::start().await;
    let feed = Feed::new();
    let cancel = CancellationToken::new();
    let targets = vec![
        (Target::Discord(rx.url("discord")), events(&["disk_low"])),
        (Target::Webhook(rx.url("hook")), events(&["disk_low"])),
    ];
    notify::spawn(targets, &feed, fast(), cancel.clone()).unwrap();
    named(&feed);
    feed.send(Update::Recorder(RecorderNews::DiskLow {
        free_bytes: 2_100_000_000,
        minutes_left: 28.0,
        mb_per_min: 75.0,
    }));
    let mut got = [rx.next().await, rx.next().await];
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got[0].1["content"],
        "Recording of clavicular: the disk has 2.1 GB free, about 28m 00s at 75.0 MB/min; free \
         some space"
    );
    assert_eq!(got[1].1["event"], "disk_low");
    assert_eq!(
        got[1].1["data"],
        json!({"channel": "clavicular", "freeBytes": 2_100_000_000u64, "minutesLeft": 28.0,
            "mbPerMin": 75.0})
    );
    cancel.cancel();
}

/// A deleted Discord webhook: the alert is refused at once, with Discord's words and what to
/// do (it said only "HTTP 404").
#[tokio::test]
async fn a_deleted_webhook_says_so_and_what_to_do() {
    let (logs, _guard) = kicktui::test_logs::capture();
    let mut rx = Receiver::start().await;
    rx.answer(
        "discord",
        &[(404, r#"{"message": "Unknown Webhook", "code": 10015}"#)],
    );
    let http = reqwest::Client::new();
    let alert = live_alert();
    let target = Target::Discord(rx.url("discord"));
    assert!(!notify::deliver::deliver(&http, &target, &alert, fast()).await);
    rx.next().await;
    let text = logs.text();
    assert!(
        text.contains("refused (HTTP 404: Unknown Webhook; the webhook was deleted"),
        "{text}"
    );
}

/// A webhook that redirects: not followed, not retried, said once; and another server's
/// words (which may quote its URL's secret part) are not logged.
#[tokio::test]
async fn a_redirect_is_refused_and_a_webhooks_words_stay_out_of_the_log() {
    let (logs, _guard) = kicktui::test_logs::capture();
    let mut rx = Receiver::start().await;
    rx.answer(
        "hook",
        &[
            (308, ""),
            (404, r#"{"message": "webhook SECRET-UUID not registered"}"#),
        ],
    );
    let http = notify::http_client();
    let alert = live_alert();
    let target = Target::Webhook(rx.url("hook"));
    assert!(!notify::deliver::deliver(&http, &target, &alert, fast()).await);
    assert!(!notify::deliver::deliver(&http, &target, &alert, fast()).await);
    rx.next().await;
    rx.next().await;
    let text = logs.text();
    assert!(text.contains("HTTP 308: it redirects elsewhere"), "{text}");
    assert!(
        text.contains("refused (HTTP 404; the webhook was deleted"),
        "{text}"
    );
    assert!(!text.contains("SECRET-UUID"), "{text}");
}

/// A `live` alert, for tests of one delivery.
fn live_alert() -> Alert {
    Alert {
        event: "live",
        text: "x".into(),
        data: json!({}),
    }
}
