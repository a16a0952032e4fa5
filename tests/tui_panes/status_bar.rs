//! The status bar: what fits first at each width, and what it says about the database, chat,
//! the live status's source, the API and a stalled feed.

use kicktui::app::{Msg, RecState, RecordingView};
use kicktui::engine::update::Update;
use kicktui::kickapi::LiveSource;
use kicktui::source::ChatState;
use kicktui::ui::{self, Theme};

use crate::tui_support::*;
use crate::{api_blocked, live_app, pane};

#[test]
fn status_bar_fits_what_matters_first() {
    let a = live_app();
    let th = Theme::new(true);
    let (_, wide) = pane(120, 1, |r, b| ui::status::render(&a, &th, r, b));
    for want in [
        "● LIVE 1:24:44",
        "clavicular",
        "1,234 viewers",
        "chat: live",
        "rec: not recording",
        "data: /srv/kicktui",
    ] {
        assert!(wide.contains(want), "{want:?} in {wide:?}");
    }
    let (_, narrow) = pane(40, 1, |r, b| ui::status::render(&a, &th, r, b));
    // What does not fit is left out; smaller pieces after it still get their turn.
    assert_eq!(
        narrow.trim_end(),
        "● LIVE 1:24:44 │ clavicular │ chat: live"
    );
}

#[test]
fn a_narrow_status_bar_keeps_the_recording_before_the_viewer_count() {
    let mut a = live_app();
    a.update(
        Msg::Recording(RecordingView {
            state: RecState::Recording,
            ..Default::default()
        }),
        T0,
    );
    let th = Theme::new(true);
    let (_, bar) = pane(60, 1, |r, b| ui::status::render(&a, &th, r, b));
    assert_eq!(
        bar.trim_end(),
        "● LIVE 1:24:44 │ clavicular │ chat: live │ ● REC"
    );
    let (_, wide) = pane(80, 1, |r, b| ui::status::render(&a, &th, r, b));
    assert!(
        wide.starts_with("● LIVE 1:24:44 │ clavicular │ 1,234 viewers │ chat: live │ ● REC"),
        "{wide}"
    );
}

#[test]
fn the_status_bar_says_when_the_database_is_in_trouble() {
    let th = Theme::new(true);
    let mut a = live_app();
    let (_, fine) = pane(160, 1, |r, b| ui::status::render(&a, &th, r, b));
    assert!(!fine.contains("db:"), "{fine:?}");
    let mut s = snapshot(61.0, 2.0);
    s.db_failing = true;
    a.update(Msg::Engine(Update::Snapshot(s.clone())), at(61.0));
    let (_, retrying) = pane(160, 1, |r, b| ui::status::render(&a, &th, r, b));
    assert!(
        retrying.contains("db: writes failing, retrying"),
        "{retrying:?}"
    );
    s.db_failing = false;
    s.db_lost = 3;
    a.update(Msg::Engine(Update::Snapshot(s)), at(62.0));
    let (_, lost) = pane(160, 1, |r, b| ui::status::render(&a, &th, r, b));
    assert!(lost.contains("db: 3 writes lost"), "{lost:?}");
}

#[test]
fn the_status_bar_says_how_often_chat_reconnected() {
    let mut a = live_app();
    a.update(
        Msg::Engine(Update::ChatState(ChatState::Live { reconnects: 2 })),
        at(61.0),
    );
    let th = Theme::new(true);
    let (_, wide) = pane(120, 1, |r, b| ui::status::render(&a, &th, r, b));
    assert!(wide.contains("chat: live (reconnected 2×)"), "{wide:?}");
}

#[test]
fn status_bar_says_when_live_status_came_from_the_stream_or_the_socket() {
    let th = Theme::new(true);
    for (source, want) in [
        (
            LiveSource::StreamProbe,
            Some("● LIVE 1:24:45 (via stream probe) │ clavicular"),
        ),
        (
            LiveSource::Socket,
            Some("● LIVE 1:24:45 (via chat socket) │ clavicular"),
        ),
        (LiveSource::Api, None),
    ] {
        let mut a = live_app();
        let mut s = snapshot(60.0, 2.0);
        s.live_source = source;
        a.update(Msg::Engine(Update::Snapshot(s)), at(60.0));
        let (_, line) = pane(120, 1, |r, b| ui::status::render(&a, &th, r, b));
        match want {
            Some(w) => assert!(line.starts_with(w), "{line:?}"),
            None => assert!(line.starts_with("● LIVE 1:24:45 │ clavicular"), "{line:?}"),
        }
    }
}

#[test]
fn status_bar_says_live_status_is_unknown_while_every_route_fails() {
    let th = Theme::new(true);
    let mut a = app();
    let (_, before) = pane(120, 1, |r, b| ui::status::render(&a, &th, r, b));
    assert!(before.starts_with("○ starting"), "{before:?}");
    api_blocked(&mut a);
    let (_, line) = pane(120, 1, |r, b| ui::status::render(&a, &th, r, b));
    assert!(line.starts_with("○ live status unknown"), "{line:?}");
    assert!(line.contains("API: "), "{line:?}");
    // Chat never started: it waits for the ids the failing lookup would give.
    assert!(line.contains("chat: waits for"), "{line:?}");
    a.update(
        Msg::Engine(Update::ChatState(ChatState::Live { reconnects: 0 })),
        T0,
    );
    let (_, line) = pane(120, 1, |r, b| ui::status::render(&a, &th, r, b));
    assert!(
        line.contains("chat: live"),
        "ids from the cache or flags: {line:?}"
    );
    // The whole message is long: too long for the bar, its first clause stays (it was
    // dropped whole at 160 columns).
    a.update(
        Msg::Engine(Update::ApiTrouble {
            message: "Kick's API is behind a Cloudflare challenge (403); chat needs only the \
                      channel ids; retrying in 5 min"
                .into(),
            retry_s: Some(300),
            waits_for_ids: false,
        }),
        T0,
    );
    let (_, line) = pane(160, 1, |r, b| ui::status::render(&a, &th, r, b));
    assert!(
        line.contains("API: Kick's API is behind a Cloudflare challenge (403) │"),
        "{line:?}"
    );
}

#[test]
fn status_bar_says_when_the_feed_stalls_or_chat_drops() {
    let mut a = live_app();
    a.update(Msg::Tick(at(80.0)), at(80.0));
    let reconnect = ChatState::Reconnecting {
        until: at(83.0),
        reason: "4200".into(),
    };
    a.update(Msg::Engine(Update::ChatState(reconnect)), at(80.0));
    let th = Theme::new(true);
    let (_, t) = pane(120, 1, |r, b| ui::status::render(&a, &th, r, b));
    assert!(t.contains("no data for 21 s"), "{t}");
    assert!(t.contains("chat: retry in 3 s (4200)"), "{t}");
    // A reason too long for the bar leaves the state, not the whole piece, out.
    let long = ChatState::Reconnecting {
        until: at(83.0),
        reason: "could not connect to wss://irc-ws.chat.twitch.tv:443: connection refused".into(),
    };
    a.update(Msg::Engine(Update::ChatState(long)), at(80.0));
    let (_, t) = pane(100, 1, |r, b| ui::status::render(&a, &th, r, b));
    assert!(
        t.contains("chat: retry in 3 s") && !t.contains("refused"),
        "{t}"
    );
    // So does a recording that failed for a long reason; with room, both say why.
    let why = "streamlink exited with status 1: error: No plugin can handle URL: https://example";
    a.update(
        Msg::Engine(Update::Recorder(
            kicktui::engine::update::RecorderNews::Off(why.into()),
        )),
        at(80.0),
    );
    let (_, t) = pane(100, 1, |r, b| ui::status::render(&a, &th, r, b));
    assert!(
        t.contains("rec: failed") && t.contains("chat: retry in 3 s"),
        "{t}"
    );
    let (_, t) = pane(400, 1, |r, b| ui::status::render(&a, &th, r, b));
    assert!(t.contains("No plugin") && t.contains("refused"), "{t}");
}

/// A dashboard that cannot listen was one log line that scrolled away: the bar says it until
/// the port is free.
#[test]
fn the_status_bar_says_the_dashboard_is_off_until_it_listens() {
    let mut a = live_app();
    let th = Theme::new(true);
    let why = "port 8788 in use, tried every 30 s";
    a.update(Msg::Engine(Update::DashboardOff(Some(why.into()))), T0);
    let (_, wide) = pane(160, 1, |r, b| ui::status::render(&a, &th, r, b));
    assert!(wide.contains(&format!("dashboard off: {why}")), "{wide:?}");
    let (_, mid) = pane(100, 1, |r, b| ui::status::render(&a, &th, r, b));
    assert!(mid.contains("dashboard off"), "{mid:?}");
    a.update(Msg::Engine(Update::DashboardOff(None)), T0);
    let (_, wide) = pane(160, 1, |r, b| ui::status::render(&a, &th, r, b));
    assert!(!wide.contains("dashboard"), "{wide:?}");
}
