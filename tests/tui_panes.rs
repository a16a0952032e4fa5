//! Pane render tests: each pane drawn into a buffer on its own, and a sweep of every size and
//! popup for panics.

mod tui_support;

use kicktui::app::keymap::TABLE;
use kicktui::app::{App, BanditArm, BanditView, Msg, Popup, RecState, RecordingView};
use kicktui::engine::update::Update;
use kicktui::kickapi::LiveSource;
use kicktui::source::ChatState;
use kicktui::ui::{self, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use tui_support::*;

fn pane(w: u16, h: u16, f: impl FnOnce(Rect, &mut Buffer)) -> (Buffer, String) {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    f(area, &mut buf);
    let t = text(&buf);
    (buf, t)
}

fn live_app() -> App {
    let mut a = app();
    a.update(
        Msg::Engine(Update::ChatState(ChatState::Live { reconnects: 0 })),
        T0,
    );
    for s in 0..60 {
        let rate = if s > 50 { 9.0 } else { 2.0 };
        a.update(
            Msg::Engine(Update::Snapshot(snapshot(s as f64, rate))),
            at(s as f64),
        );
    }
    a
}

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

/// Kick's API answers 403 and no ids are known: chat waits for them.
fn api_blocked(a: &mut App) {
    a.update(
        Msg::Engine(Update::ApiTrouble {
            message: "HTTP 403 (Cloudflare)".into(),
            retry_s: Default::default(),
            waits_for_ids: true,
        }),
        T0,
    );
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

/// While chat waits for the ids, the empty list says where to find them: the channel's API
/// page by its name (the live TUI's label is `kick:name`, which is no page).
#[test]
fn the_empty_list_names_the_channels_api_page_while_chat_waits_for_ids() {
    let th = Theme::new(true);
    let mut c = ctx();
    c.channel = "kick:clavicular".into();
    let mut a = App::new(c, T0);
    api_blocked(&mut a);
    let (_, text) = pane(200, 8, |r, b| ui::moments::render(&a, &th, r, b));
    assert!(
        text.contains("kick.com/api/v2/channels/clavicular shows them"),
        "{text}"
    );
    // A short pane (a 120×35 terminal's) still holds the way round, before the API's message.
    let (_, text) = pane(60, 10, |r, b| ui::moments::render(&a, &th, r, b));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("chatroom.id"), "{text}");
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

#[test]
fn velocity_chart_shows_the_threshold_and_hot_bars() {
    let a = live_app();
    let (buf, t) = pane(64, 8, |r, b| {
        ui::velocity::render(&a, &Theme::new(false), r, b)
    });
    let first = t.lines().next().unwrap();
    assert!(first.contains("Chat 9.0 msg/s"), "{first}");
    assert!(first.contains("peak ≥6.0 · usual 2.0"), "{first}");
    assert!(t.contains('┄'), "threshold line:\n{t}");
    assert!(t.contains('█'));
    let hot = buf
        .content()
        .iter()
        .filter(|c| c.symbol() == "█" && c.fg == Color::Red)
        .count();
    let calm = buf
        .content()
        .iter()
        .filter(|c| c.symbol() != " " && c.fg == Color::Cyan)
        .count();
    assert!(hot > 0 && calm > 0, "hot {hot}, calm {calm}\n{t}");
}

/// The chart's first line after one more snapshot with `threshold` and `peak_bar`.
fn velocity_title(threshold: f64, peak_bar: bool) -> (String, String) {
    let mut a = live_app();
    let mut s = snapshot(60.0, 9.0);
    s.velocity.threshold = threshold;
    s.velocity.peak_bar = peak_bar;
    a.update(Msg::Engine(Update::Snapshot(s)), at(60.0));
    let (_, t) = pane(64, 8, |r, b| {
        ui::velocity::render(&a, &Theme::new(false), r, b)
    });
    (t.lines().next().unwrap_or_default().to_string(), t)
}

#[test]
fn the_chart_says_whether_its_line_fires_or_is_the_peak_bar() {
    let (first, _) = velocity_title(6.0, false);
    assert!(first.contains("fires ≥6.0"), "velocity rule: {first}");
    let (first, t) = velocity_title(0.0, true);
    assert!(first.contains("learning the usual rate"), "{first}");
    assert!(!first.contains('≥'), "{first}");
    assert!(!t.contains('┄'), "no line before there is a bar:\n{t}");
}

#[test]
fn no_color_means_no_colour_anywhere() {
    let mut a = live_app();
    a.ctx.no_color = true;
    a.update(moment_update(Some(1), spike(30.0, 12.0)), T0);
    let area = Rect::new(0, 0, 120, 40);
    let mut buf = Buffer::empty(area);
    ui::render(&a, area, &mut buf);
    for c in buf.content() {
        assert_eq!(
            (c.fg, c.bg),
            (Color::Reset, Color::Reset),
            "{:?}",
            c.symbol()
        );
    }
    // Emphasis survives as attributes: the selected moment is reversed.
    assert!(
        buf.content()
            .iter()
            .any(|c| c.modifier.contains(Modifier::REVERSED))
    );
}

#[test]
fn keywords_busiest_first_and_emotes_with_the_current_one() {
    let a = live_app();
    let th = Theme::new(true);
    let (_, k) = pane(20, 6, |r, b| ui::keywords::render(&a, &th, r, b));
    let rows: Vec<&str> = k.lines().skip(1).take(4).collect();
    assert_eq!(
        rows,
        vec![
            "│LMAO             7│",
            "│CLIP             5│",
            "│NO WAY           2│",
            "│CLIP THAT        0│"
        ]
    );
    let (_, e) = pane(20, 4, |r, b| ui::emotes::render(&a, &th, r, b));
    assert!(e.contains("▶ KEKW"), "{e}");
}

/// Phrases come under their heading only when one fits below it: no dangling "repeated:".
#[test]
fn the_phrase_heading_never_dangles() {
    use kicktui::app::history::EmoteSeen;
    let mut a = app();
    let seen = |name: &str| EmoteSeen {
        name: name.into(),
        peak: 3,
        peak_sec: 0,
        now: 0,
        last_sec: 0,
    };
    a.emotes.seen = vec![seen("Sadge"), seen("KEKW"), seen("\"no way\"")];
    let th = Theme::new(true);
    let (_, short) = pane(20, 5, |r, b| ui::emotes::render(&a, &th, r, b));
    assert!(
        short.contains("KEKW") && !short.contains("repeated"),
        "{short}"
    );
    let (_, tall) = pane(20, 6, |r, b| ui::emotes::render(&a, &th, r, b));
    assert!(
        tall.contains("repeated:") && tall.contains("\"no way\""),
        "{tall}"
    );
}

/// Wide characters take two columns, zero-width ones none: the count column stays in place
/// (padding by characters pushed it off the pane for "草", left for zero-width joiners).
#[test]
fn emote_counts_stay_in_their_column_with_wide_or_invisible_characters() {
    use kicktui::app::history::EmoteSeen;
    let mut a = app();
    let seen = |name: &str| EmoteSeen {
        name: name.into(),
        peak: 8,
        peak_sec: 0,
        now: 0,
        last_sec: 0,
    };
    a.emotes.seen = vec![
        seen("草"),
        seen("ナイス"),
        seen("a\u{200b}\u{200b}\u{200b}b"),
        seen("\u{1b}[31mred"),
    ];
    let th = Theme::new(true);
    let (_, e) = pane(20, 6, |r, b| ui::emotes::render(&a, &th, r, b));
    let rows: Vec<&str> = e.lines().skip(1).take(4).collect();
    for r in &rows {
        assert!(r.ends_with(" 8│"), "{r:?} in\n{e}");
    }
    assert!(rows[3].contains("red") && !rows[3].contains("[31m"), "{e}");
}

#[test]
fn recording_pane_says_not_recording_then_health() {
    let mut a = app();
    let th = Theme::new(true);
    let (_, t) = pane(40, 5, |r, b| ui::recording::render(&a, &th, r, b));
    assert!(
        t.contains("not recording") && t.contains("clips need a recording"),
        "{t}"
    );
    a.update(
        Msg::Recording(RecordingView {
            state: RecState::Recording,
            file: Some("/very/long/path/recordings/clavicular_s005_20260117.ts".into()),
            size_bytes: 1_230_000_000,
            mb_per_min: Some(0.4),
            slow: true,
            ..Default::default()
        }),
        T0,
    );
    let (_, t) = pane(40, 5, |r, b| ui::recording::render(&a, &th, r, b));
    assert!(t.contains("recording"), "{t}");
    assert!(
        t.contains("…") && t.contains("clavicular_s005_20260117.ts"),
        "{t}"
    );
    assert!(t.contains("recording · 1.23 GB · 0.4 MB/min LOW"), "{t}");
    // The disk filling: said while there is time to free space.
    a.update(
        Msg::Recording(RecordingView {
            state: RecState::Recording,
            size_bytes: 9_000_000_000,
            mb_per_min: Some(75.0),
            disk_minutes: Some(28.0),
            ..Default::default()
        }),
        T0,
    );
    let (_, t) = pane(60, 5, |r, b| ui::recording::render(&a, &th, r, b));
    assert!(t.contains("75.0 MB/min · disk full in ~28 min"), "{t}");
}

#[test]
fn activity_pane_lists_keys_then_bandit_arms() {
    let mut a = app();
    let th = Theme::new(true);
    a.update(key('2'), T0);
    let (_, t) = pane(50, 5, |r, b| ui::bandit::render(&a, &th, r, b));
    assert!(t.contains("Activity gameplay"), "{t}");
    assert!(t.contains("1 talk  2 gameplay  3 q_and_a"), "{t}");
    assert!(t.contains("no bandit data yet"), "{t}");
    let arm = |name: &str, mean: f64, pulls: u32| BanditArm {
        name: name.into(),
        mean,
        low: mean - 0.1,
        high: mean + 0.1,
        pulls,
    };
    a.update(
        Msg::Bandit(BanditView {
            arms: vec![
                arm("talk", 0.4, 3),
                arm("gameplay", 0.62, 12),
                arm("q_and_a", 0.7, 2),
            ],
            suggestion: Some("q_and_a".into()),
            ..Default::default()
        }),
        T0,
    );
    let (_, t) = pane(50, 6, |r, b| ui::bandit::render(&a, &th, r, b));
    let lines: Vec<&str> = t.lines().collect();
    assert!(lines[0].contains("try q_and_a"), "{t}");
    // Keys in configured order; ▶ the current activity, » the suggestion; mean, the 90 %
    // interval as a bar on a 0–1 scale (● the mean), pulls.
    assert!(
        lines[1].contains(" 1 talk") && lines[1].contains("0.40"),
        "{t}"
    );
    assert!(
        lines[2].contains("▶2 gameplay") && lines[2].contains("0.62") && lines[2].contains("12×"),
        "{t}"
    );
    assert!(
        lines[3].contains("»3 q_and_a") && lines[3].contains("0.70"),
        "{t}"
    );
    let bar: String = lines[3].chars().filter(|c| "·━●".contains(*c)).collect();
    let mean_at =
        bar.chars().position(|c| c == '●').unwrap() as f64 / (bar.chars().count() - 1) as f64;
    assert!((mean_at - 0.7).abs() < 0.06, "{t}");
    assert!(
        bar.starts_with('·') && bar.ends_with('·') && bar.contains('━'),
        "{t}"
    );
    // The draw is the activity already on: "keep it", not "try gameplay" while on it.
    a.update(
        Msg::Bandit(BanditView {
            arms: vec![arm("talk", 0.4, 3), arm("gameplay", 0.62, 12)],
            suggestion: Some("gameplay".into()),
            ..Default::default()
        }),
        T0,
    );
    let (_, t) = pane(50, 6, |r, b| ui::bandit::render(&a, &th, r, b));
    let title = t.lines().next().unwrap_or_default();
    assert!(
        title.contains("Activity gameplay · keep it") && !title.contains("try"),
        "{t}"
    );
}

#[test]
fn moments_list_rows_and_empty_state() {
    let mut a = app();
    let th = Theme::new(true);
    let (_, t) = pane(80, 6, |r, b| ui::moments::render(&a, &th, r, b));
    assert!(t.contains("No moments yet. Press m to mark one."), "{t}");
    a.update(moment_update(Some(12), spike(5025.0, 25.0)), T0);
    a.update(moment_update(None, spike(5100.0, 9.5)), T0);
    let (buf, t) = pane(80, 6, |r, b| ui::moments::render(&a, &th, r, b));
    let rows: Vec<&str> = t.lines().collect();
    assert!(rows[0].contains("Moments 2 · best first"), "{t}");
    assert!(
        rows[1].contains("offset") && rows[1].contains("stored"),
        "{t}"
    );
    assert!(
        rows[2].contains("1:23:45  CHAT SPIKE +1     25.0  -        #12"),
        "{t}"
    );
    assert!(
        rows[3].contains("1:25:00  CHAT SPIKE +1      9.5  -        NOT SAVED"),
        "{t}"
    );
    // The selected (newest) row is reversed, though it ranks second.
    assert!(buf[(5, 3)].modifier.contains(Modifier::REVERSED));
    assert!(!buf[(5, 2)].modifier.contains(Modifier::REVERSED));
    let (_, wide) = pane(120, 6, |r, b| ui::moments::render(&a, &th, r, b));
    assert!(
        wide.contains("Velocity: 8.7 msg/s | Keywords: CLIP (5x)"),
        "{wide}"
    );
}

#[test]
fn the_moments_title_counts_rows_scrolled_out_of_view() {
    let mut a = app();
    let th = Theme::new(true);
    for i in 0..8 {
        a.update(
            moment_update(Some(i), spike(100.0 + i as f64, 50.0 - i as f64)),
            T0,
        );
    }
    // 3 rows show in a 6-high pane: the title says what is hidden, above and below.
    a.moments.offset = 0;
    let (_, t) = pane(80, 6, |r, b| ui::moments::render(&a, &th, r, b));
    assert!(
        t.lines()
            .next()
            .unwrap()
            .contains("Moments 8 · best first ↓5"),
        "{t}"
    );
    a.moments.offset = 2;
    let (_, t) = pane(80, 6, |r, b| ui::moments::render(&a, &th, r, b));
    assert!(
        t.lines().next().unwrap().contains("best first ↑2 ↓3"),
        "{t}"
    );
}

#[test]
fn narrow_and_wide_moment_rows_cut_nothing_mid_word() {
    let mut a = app();
    let th = Theme::new(true);
    a.update(moment_update(Some(12), spike(5025.0, 25.0)), T0);
    // 60 columns: the wall clock goes, the type stays whole.
    let (_, t) = pane(60, 5, |r, b| ui::moments::render(&a, &th, r, b));
    let rows: Vec<&str> = t.lines().collect();
    assert!(
        !rows[1].contains("time") && rows[1].contains("offset"),
        "{t}"
    );
    assert!(rows[2].contains("1:23:45  CHAT SPIKE +1"), "{t}");
    // A "what fired" column too short for the summary ends it with an ellipsis.
    let (_, t) = pane(104, 5, |r, b| ui::moments::render(&a, &th, r, b));
    assert!(
        t.contains("Velocity: 8.7 msg/s | Keywords: C") && t.contains('…'),
        "{t}"
    );
}

#[test]
fn help_popup_and_hint_bar_come_from_the_keymap_table() {
    let mut a = app();
    // With the advisor on, so its keys are listed too.
    a.update(
        Msg::Engine(Update::Advisor(kicktui::advisor::AdvisorStatus::default())),
        T0,
    );
    a.ctx.config_file = "/home/s/.config/kicktui/config.toml".into();
    a.update(key('?'), T0);
    let t = screen(&a, 120, 40);
    for row in TABLE {
        assert!(t.contains(row.help), "help lists {:?}", row.name);
    }
    // Where to change them, with the file's path.
    let tall = screen(&a, 120, 70);
    assert!(
        tall.contains("[keys] of:") && tall.contains("   /home/s/.config/kicktui/config.toml"),
        "{tall}"
    );
    // A long one on a narrow screen keeps its end, the file's name.
    a.ctx.config_file =
        "/home/someone-with-a-long-name/.config/nested/deeper/kicktui/config.toml (not made yet)"
            .into();
    let narrow = screen(&a, 64, 70);
    assert!(
        narrow.contains("…") && narrow.contains("kicktui/config.toml (not made yet)"),
        "{narrow}"
    );
    a.ctx.config_file = "/home/s/.config/kicktui/config.toml".into();
    // Only the keys that pick one of the five activities (the table binds 1..9).
    assert!(
        t.contains("q/Ctrl-C") && t.contains("1..5") && !t.contains("1..9"),
        "{t}"
    );
    let th = Theme::new(true);
    // The main screen's hints (under the help they are the help's own).
    a.update(code(crossterm::event::KeyCode::Esc), T0);
    // Clip and details only once there is a moment to act on (they said "no moment
    // selected").
    let (_, hint) = pane(120, 1, |r, b| ui::help::hint_bar(&a, &th, r, b));
    assert!(
        hint.starts_with(" m mark  a activity  s sort  ? help  q quit"),
        "{hint:?}"
    );
    a.update(moment_update(Some(1), spike(30.0, 12.0)), T0);
    let (_, hint) = pane(120, 1, |r, b| ui::help::hint_bar(&a, &th, r, b));
    assert!(
        hint.contains(")  m mark  c clip  a activity  Enter details  s sort  ? help  q quit"),
        "{hint:?}"
    );
    a.update(key('s'), T0);
    let (_, hint) = pane(50, 1, |r, b| ui::help::hint_bar(&a, &th, r, b));
    assert!(
        hint.starts_with("moments: newest first  m mark"),
        "{hint:?}"
    );
    assert!(hint.trim_end().ends_with("? help  q quit"), "{hint:?}");
    // A long message is shortened rather than pushing help and quit off the bar.
    a.update(key('7'), T0);
    let (_, hint) = pane(80, 1, |r, b| ui::help::hint_bar(&a, &th, r, b));
    assert!(hint.starts_with("there is no activity 7"), "{hint:?}");
    assert!(hint.trim_end().ends_with("? help  q quit"), "{hint:?}");
    let (_, tiny) = pane(44, 1, |r, b| ui::help::hint_bar(&a, &th, r, b));
    assert!(
        tiny.contains('…') && tiny.trim_end().ends_with("q quit"),
        "{tiny:?}"
    );
}

/// With a popup open the hint bar shows what works in it, from the same table that drives
/// the keys: it listed `c clip  a activity  Enter details  s sort  ? help  q quit` under the
/// help, where they do nothing (and q closes, not quits).
#[test]
fn the_hint_bar_in_a_popup_shows_the_keys_that_work_there() {
    use crossterm::event::KeyCode;
    let th = Theme::new(true);
    let mut a = app();
    a.update(moment_update(Some(4), spike(5025.0, 25.0)), T0);
    let hint = |a: &App| pane(120, 1, |r, b| ui::help::hint_bar(a, &th, r, b)).1;
    a.update(key('?'), T0);
    assert_eq!(a.popup, Some(Popup::Help));
    let h = hint(&a);
    assert!(h.contains("m mark") && h.contains("Esc close"), "{h:?}");
    for gone in [
        "clip", "activity", "details", "sort", "? help", "q quit", "scroll",
    ] {
        assert!(!h.contains(gone), "{gone:?} under the help: {h:?}");
    }
    // A help taller than the screen scrolls: then that is said too.
    a.update(
        Msg::Resize {
            width: 80,
            height: 20,
        },
        T0,
    );
    let h = hint(&a);
    assert!(h.contains("j/k scroll") && h.contains("Esc close"), "{h:?}");
    a.update(code(KeyCode::Esc), T0);
    a.update(
        Msg::Resize {
            width: 120,
            height: 40,
        },
        T0,
    );
    a.update(code(KeyCode::Enter), T0);
    assert_eq!(a.popup, Some(Popup::Details));
    let h = hint(&a);
    for want in ["m mark", "c clip", "j/k browse", "Esc close"] {
        assert!(h.contains(want), "{want:?} under the details: {h:?}");
    }
    for gone in ["details", "? help", "q quit"] {
        assert!(!h.contains(gone), "{gone:?} under the details: {h:?}");
    }
    // What the bar says works does: c clips under the details, ? does nothing.
    assert!(a.update(key('?'), T0).is_empty());
    assert_eq!(a.popup, Some(Popup::Details));
    // The quit question says its own keys: the bar offers none that would answer it.
    a.update(code(KeyCode::Esc), T0);
    a.popup = Some(Popup::ConfirmQuit);
    let h = hint(&a);
    assert!(!h.contains("mark") && !h.contains("quit"), "{h:?}");
}

#[test]
fn details_popup_shows_every_trigger() {
    let mut a = app();
    a.update(moment_update(Some(4), spike(5025.0, 25.0)), T0);
    a.update(
        kicktui::app::Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )),
        T0,
    );
    assert_eq!(a.popup, Some(Popup::Details));
    let t = screen(&a, 80, 24);
    for want in [
        "CHAT SPIKE at 1h 23m 45s",
        "chat spike",
        "40 chatters, usually 1.2 msg/s (z 5.1) over 10 s",
        "keyword burst",
        "row #4",
        "1:23:00 to 1:23:55",
    ] {
        assert!(t.contains(want), "{want:?} in\n{t}");
    }
    // At the smallest size the triggers still show: the fields said elsewhere give way.
    let small = screen(&a, 60, 16);
    for want in ["Triggers (2)", "chat spike", "keyword burst", "row #4"] {
        assert!(small.contains(want), "{want:?} at 60×16 in\n{small}");
    }
    assert!(!small.contains("source"), "{small}");
}

#[test]
fn long_trigger_text_wraps_under_its_column_and_every_trigger_keeps_a_row() {
    use kicktui::domain::{KeywordData, TriggerData, TriggerType};
    let mut a = app();
    let mut m = spike(5025.0, 25.0);
    let long = "a phrase that goes on and on well past the popup's width ".repeat(2);
    for (i, word) in [long.trim(), "NO WAY", "mods"].into_iter().enumerate() {
        m.triggers.push(trigger(
            TriggerType::Keyword,
            1.0 + i as f64,
            TriggerData::Keyword(KeywordData {
                count: 13,
                keyword: word.into(),
            }),
        ));
    }
    a.update(moment_update(Some(4), m), T0);
    a.update(
        kicktui::app::Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )),
        T0,
    );
    let t = screen(&a, 80, 24);
    assert!(t.contains("Triggers (5)"), "{t}");
    // A continuation row starts under the trigger's words, never against the border.
    assert!(
        t.contains("│                       the popup's width"),
        "{t}"
    );
    // Every trigger keeps a row; the long summary wraps too instead of being cut.
    for want in ["Keywords: NO WAY (13x)", "Keywords: mods (13x)", "│ (13x)"] {
        assert!(t.contains(want), "{want:?} in\n{t}");
    }
}

#[test]
fn too_small_screen_and_no_panic_at_any_size() {
    let mut a = live_app();
    a.update(moment_update(Some(1), spike(30.0, 12.0)), T0);
    let t = screen(&a, 50, 10);
    assert!(
        t.contains("Terminal too small") && t.contains("50×10") && t.contains("60×16"),
        "{t}"
    );
    // Keys still act on it (a mark is worth making): what one did is said there.
    a.update(tui_support::key('m'), T0);
    let t = screen(&a, 50, 12);
    assert!(t.contains("marking a moment"), "the flash: {t}");
    // The quit question still shows: a second `q` must not answer it unseen.
    a.popup = Some(Popup::ConfirmQuit);
    let t = screen(&a, 50, 12);
    assert!(t.contains("Quit?") && t.contains("stay"), "{t}");
    // Recording, with clips to cut, in a cramped pane: the safe answer still shows.
    a.recording.state = kicktui::app::RecState::Recording;
    a.quit_pending = 3;
    for (w, h) in [(40, 12), (30, 7)] {
        let t = screen(&a, w, h);
        assert!(t.contains("stay") && t.contains("pending"), "{w}×{h}:\n{t}");
    }
    for popup in [
        None,
        Some(Popup::Help),
        Some(Popup::Details),
        Some(Popup::ConfirmQuit),
    ] {
        a.popup = popup;
        for w in (1..=130).step_by(7).chain([59, 60, 61, 79, 80]) {
            for h in (1..=45).step_by(4).chain([15, 16, 17, 23, 24]) {
                a.update(
                    Msg::Resize {
                        width: w,
                        height: h,
                    },
                    T0,
                );
                let _ = screen(&a, w, h);
            }
        }
    }
}
