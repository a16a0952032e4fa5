//! Alerts at the ends of a run: at quit, those already due still go out and a target that never
//! answers is named with what it missed; after a crash, a resumed stream is not announced again.

use std::time::{Duration, Instant};

use kicktui::domain::Ts;
use kicktui::engine::feed::Feed;
use kicktui::engine::update::Update;
use kicktui::notify::secret::SecretUrl;
use kicktui::notify::{self, Target};
use tokio_util::sync::CancellationToken;

use crate::{LIMIT, Receiver, events, fast, live_then_offline, named, went_live};

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
