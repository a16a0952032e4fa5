//! Narrow terminals: text that does not fit loses whole parts, never half a number or unit.

mod tui_support;

use kicktui::app::{App, BanditArm, BanditView, Msg, RecState, RecordingView};
use kicktui::ui::{self, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use tui_support::*;

fn activity_title(a: &App, w: u16) -> String {
    let area = Rect::new(0, 0, w, 6);
    let mut buf = Buffer::empty(area);
    ui::bandit::render(a, &Theme::new(true), area, &mut buf);
    text(&buf).lines().next().unwrap_or_default().to_string()
}

fn suggest(a: &mut App, name: &str) {
    let arm = |name: &str| BanditArm {
        name: name.into(),
        mean: 0.5,
        low: 0.3,
        high: 0.7,
        pulls: 1,
    };
    a.update(
        Msg::Bandit(BanditView {
            arms: vec![arm("talk"), arm("gameplay"), arm("q_and_a")],
            suggestion: Some(name.into()),
            engagement: Some(51.0),
            revenue_per_hour: Some(1234.0),
            context: None,
        }),
        T0,
    );
}

#[test]
fn with_no_activity_the_title_has_no_stray_dot() {
    let mut a = app();
    suggest(&mut a, "q_and_a");
    let title = activity_title(&a, 50);
    assert!(title.starts_with("┌ Activity try q_and_a ─"), "{title}");
    assert!(!title.contains('·'), "{title}");
}

#[test]
fn a_narrow_activity_pane_leaves_the_suggestion_out_whole() {
    let mut a = app_sized(60, 20);
    a.update(key('2'), T0);
    suggest(&mut a, "q_and_a");
    let wide = activity_title(&a, 50);
    assert!(
        wide.starts_with("┌ Activity gameplay · try q_and_a ─"),
        "{wide}"
    );
    // 30 wide (a 60-column terminal's): it read ` Activity gameplay · try q_an`.
    let narrow = activity_title(&a, 30);
    assert!(narrow.starts_with("┌ Activity gameplay ──"), "{narrow}");
    assert!(!narrow.contains("try") && !narrow.contains('·'), "{narrow}");
    // The footer drops the money whole too.
    let area = Rect::new(0, 0, 30, 6);
    let mut buf = Buffer::empty(area);
    ui::bandit::render(&a, &Theme::new(true), area, &mut buf);
    let t = text(&buf);
    let foot = t.lines().last().unwrap_or_default();
    assert!(foot.ends_with(" engagement 51/100 ┘"), "{t}");
}

/// The chart's right title (the rule's line) never writes over the rate on the left: at 76
/// columns it read `Chat 13.1 msg/peak ≥16.9 · usual 5.0`.
#[test]
fn the_chart_title_keeps_the_rate_whole_beside_the_rule() {
    use kicktui::engine::update::Update;
    let mut a = app_sized(76, 24);
    let mut s = snapshot(60.0, 13.1);
    s.velocity.threshold = 16.9;
    s.velocity.baseline = 5.0;
    a.update(Msg::Engine(Update::Snapshot(s)), at(60.0));
    let title = |w: u16| {
        let area = Rect::new(0, 0, w, 5);
        let mut buf = Buffer::empty(area);
        ui::velocity::render(&a, &Theme::new(true), area, &mut buf);
        text(&buf).lines().next().unwrap_or_default().to_string()
    };
    // 40 wide (a 76-column terminal's): the rule without the usual rate.
    assert_eq!(title(40), "┌ Chat 13.1 msg/s ──────────peak ≥16.9 ┐");
    assert!(title(44).ends_with("─peak ≥16.9 · usual 5.0 ┐"));
    // 24 wide (60 columns): the rate alone.
    assert_eq!(title(24), "┌ Chat 13.1 msg/s ─────┐");
}

/// Before the bandit has data the pane lists the pick keys; a row never ends on a key whose
/// name went to the next row (at 70 to 79 columns `4` ended a row, `react` began the next).
#[test]
fn each_pick_key_stays_beside_its_activity() {
    for w in 30..=50 {
        let a = app_sized(80, 24);
        let area = Rect::new(0, 0, w, 5);
        let mut buf = Buffer::empty(area);
        ui::bandit::render(&a, &Theme::new(true), area, &mut buf);
        let t = text(&buf);
        for row in t.lines().skip(1) {
            let row = row.trim_matches('│').trim_end();
            assert!(
                !row.ends_with(|c: char| c.is_ascii_digit()),
                "{w} wide:\n{t}"
            );
        }
        let flat = t.replace('│', " ");
        assert!(flat.contains("4 react"), "{w} wide:\n{t}");
    }
}

/// At 60x20 the co-pilot has one row in the Activity pane: advice waiting for `y` takes it
/// (the budget had it, so the hint bar's `y accept` accepted advice nobody could read).
#[test]
fn advice_to_accept_shows_when_the_pane_has_one_row_for_the_co_pilot() {
    use kicktui::advisor::{Advice, AdvisorStatus, ToolCall};
    use kicktui::engine::update::Update;
    let mut a = app_sized(60, 20);
    a.update(
        Msg::Engine(Update::Advisor(AdvisorStatus {
            budget: "advisor: 1/12 calls this hour".into(),
            ..AdvisorStatus::default()
        })),
        T0,
    );
    let s = screen(&a, 60, 20);
    assert!(
        s.contains("advisor: 1/12 calls"),
        "no advice: the budget\n{s}"
    );
    let offer = ToolCall::SuggestActivity {
        arm: "q_and_a".into(),
        reason: "chat is slowing".into(),
    };
    a.update(
        Msg::Engine(Update::Advice(Box::new(Advice {
            id: Some(1),
            at: T0,
            calls: vec![offer],
            text: None,
            rejected: 0,
        }))),
        T0,
    );
    // The reason goes whole before the activity is cut: it read `✦ try q_and_… (just now)`.
    let s = screen(&a, 60, 20);
    assert!(s.contains("│✦ try q_and_a (just now) y n"), "{s}");
    a.update(Msg::Tick(at(60.0)), at(60.0));
    let s = screen(&a, 60, 20);
    // A longer age goes before the name is cut.
    assert!(s.contains("│✦ try q_and_a y n "), "{s}");
    assert!(
        s.lines().last().unwrap_or_default().contains("y accept"),
        "{s}"
    );
}

/// Waiting for the stream at 60 columns, the bar says the recording waits (in short) rather
/// than `- viewers`: `rec: waiting for live` did not fit and the placeholder took its place.
#[test]
fn the_status_bar_keeps_the_waiting_recording_over_the_viewer_placeholder() {
    use kicktui::engine::update::Update;
    use kicktui::source::ChatState;
    let mut a = app_sized(60, 20);
    a.update(Msg::Engine(Update::WaitingForLive), T0);
    a.update(
        Msg::Engine(Update::ChatState(ChatState::Live { reconnects: 0 })),
        T0,
    );
    a.update(
        Msg::Recording(RecordingView {
            state: RecState::Waiting,
            ..Default::default()
        }),
        T0,
    );
    let bar = screen(&a, 60, 20)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        bar.trim_end(),
        "○ waiting for live │ clavicular │ chat: live │ rec: waiting"
    );
    // Wide enough, it is said whole.
    let bar = screen(&a, 120, 40)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(bar.contains("│ rec: waiting for live │"), "{bar}");
}

/// One name for a moment's type: the list's type column says what the details popup (and
/// the flash, the log and the headless line, all `headline()`) says. The list read
/// `KEYWORDS +2` for what the details called `KEYWORD BURST`, and `MARKED` for `MARKED
/// MOMENT`. With one trigger of each kind at most, even `+7` fits the column at 60 columns.
#[test]
fn the_list_names_a_moment_as_its_details_do() {
    use kicktui::domain::{KeywordData, TriggerData, TriggerType};
    let mut keywords = spike(754.0, 30.0);
    keywords.trigger_type = TriggerType::Keyword;
    keywords.triggers.push(trigger(
        TriggerType::EmoteSpam,
        1.1,
        TriggerData::Other(serde_json::json!({})),
    ));
    let mut marked = manual(900.0);
    marked.triggers.extend(
        TriggerType::ALL
            .into_iter()
            .filter(|&k| k != TriggerType::Manual)
            .map(|k| {
                trigger(
                    k,
                    1.0,
                    TriggerData::Keyword(KeywordData {
                        count: 3,
                        keyword: "CLIP".into(),
                    }),
                )
            }),
    );
    for (m, name, listed) in [
        (keywords, "KEYWORD BURST", "KEYWORD BURST +2"),
        (marked, "MARKED MOMENT", "MARKED MOMENT +7"),
    ] {
        let mut a = app_sized(60, 20);
        a.update(moment_update(Some(3), m), T0);
        let s = screen(&a, 60, 20);
        let row = s
            .lines()
            .find(|l| l.contains("#3"))
            .unwrap_or_default()
            .to_string();
        assert!(row.contains(&format!(" {listed} ")), "{row}\n{s}");
        a.update(code(crossterm::event::KeyCode::Enter), T0);
        let s = screen(&a, 60, 20);
        assert!(s.contains(&format!("│ {name} at ")), "{s}");
    }
}

/// The hint bar at 60 columns: a mark's flash keeps `marked at … (saved #8)` whole and drops
/// its reason, not `…: as shown 15 s…`; `m` again within 3 s keeps `already marked 1 s ago`.
#[test]
fn a_mark_flash_at_60_columns_drops_its_reason_whole() {
    let mut a = app_sized(60, 20);
    a.update(key('m'), at(5040.0));
    a.update(moment_update(Some(8), manual(5025.0)), at(5040.5));
    let bar = |a: &App| {
        screen(a, 60, 20)
            .lines()
            .last()
            .unwrap_or_default()
            .trim_end()
            .to_string()
    };
    assert_eq!(
        bar(&a),
        "marked at 1:23:45 (saved #8)  m mark  ? help  q quit"
    );
    a.update(key('m'), at(5041.5));
    assert_eq!(
        bar(&a),
        "already marked 1 s ago  m mark  c clip  ? help  q quit"
    );
    // Wide enough, the reason is there.
    let wide = screen(&a, 120, 40);
    assert!(
        wide.contains("already marked 1 s ago: that moment covers this one"),
        "{wide}"
    );
}

/// The recording and the chat outrank the viewer count at 60 columns in every state: a
/// recording restarting, none at all, and chat after reconnects were left out whole
/// (`rec: restarting` was two columns too long) and `548 viewers` took their place.
#[test]
fn the_status_bar_keeps_recording_and_chat_at_60_columns() {
    use kicktui::engine::update::Update;
    use kicktui::source::ChatState;
    for (rec, reconnects, want) in [
        (RecState::Restarting, 0, "chat: live │ rec: restart"),
        (RecState::Unavailable, 0, "chat: live │ rec: off"),
        (RecState::Recording, 3, "chat: live (3×) │ ● REC"),
    ] {
        // The demo's channel: a name as long as most.
        let mut c = ctx();
        c.channel = "kick:novaplays".into();
        let mut a = App::new(c, T0);
        a.update(
            Msg::Resize {
                width: 60,
                height: 20,
            },
            T0,
        );
        a.update(Msg::Engine(Update::Snapshot(snapshot(1.0, 2.0))), T0);
        a.update(
            Msg::Engine(Update::ChatState(ChatState::Live { reconnects })),
            T0,
        );
        a.update(
            Msg::Recording(RecordingView {
                state: rec,
                ..Default::default()
            }),
            T0,
        );
        let bar = screen(&a, 60, 20)
            .lines()
            .next()
            .unwrap_or_default()
            .trim_end()
            .to_string();
        assert!(bar.ends_with(want), "{bar}");
        assert!(!bar.contains("viewers"), "{bar}");
        // Wide, each says it whole.
        let wide = screen(&a, 120, 40);
        assert!(wide.contains("1,234 viewers"), "{wide}");
    }
}
