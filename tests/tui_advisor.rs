//! The co-pilot in the TUI model and view: the budget line and the advice with its age in the
//! Activity pane at 80×24, `y` accepting a suggested activity (the activity keys' path), a
//! suggested moment and a chat line, `n` dismissing, `A` asking; a resync keeps what was
//! dismissed dismissed.

mod tui_support;

use kicktui::advisor::{Advice, AdvisorStatus, ToolCall};
use kicktui::app::{Cmd, Msg};
use kicktui::engine::copilot::CopilotCmd;
use kicktui::engine::update::Update;
use kicktui::engine::view::View;
use tui_support::{T0, app_sized, at, key, screen};

fn status(used: u32) -> Msg {
    Msg::Engine(Update::Advisor(AdvisorStatus {
        budget: format!("advisor: {used}/12 calls this hour"),
        ..AdvisorStatus::default()
    }))
}

fn advice(calls: Vec<ToolCall>) -> Advice {
    Advice {
        id: Some(1),
        at: T0,
        calls,
        text: None,
        rejected: 0,
    }
}

fn suggest(arm: &str) -> ToolCall {
    ToolCall::SuggestActivity {
        arm: arm.into(),
        reason: "chat is slowing".into(),
    }
}

/// The bottom line of a wide screen: the hint bar.
fn hint_bar(a: &kicktui::app::App) -> String {
    let s = screen(a, 200, 30);
    s.lines().last().unwrap_or_default().to_string()
}

#[test]
fn the_pane_shows_budget_and_advice_and_y_sets_the_activity() {
    let mut a = app_sized(80, 24);
    assert!(!hint_bar(&a).contains(" y accept "), "{}", hint_bar(&a));
    assert!(!screen(&a, 80, 24).contains("advisor:"), "off: nothing");
    assert_eq!(a.update(key('A'), T0), vec![], "off: asking says so");
    a.update(status(0), T0);
    let s = screen(&a, 80, 24);
    assert!(s.contains("advisor: 0/12 calls this hour"), "{s}");
    assert_eq!(
        a.update(key('A'), T0),
        vec![Cmd::Copilot(CopilotCmd::AskNow)]
    );
    a.update(status(1), T0);
    a.update(
        Msg::Engine(Update::Advice(Box::new(advice(vec![suggest("react")])))),
        T0,
    );
    a.update(Msg::Tick(at(130.0)), at(130.0));
    // The hint bar offers `y` only while there is something to accept.
    assert!(hint_bar(&a).contains(" y accept "), "{}", hint_bar(&a));
    let s = screen(&a, 80, 24);
    assert!(s.contains("✦ try react"), "{s}");
    assert!(s.contains("(2 min ago) y n"), "{s}");
    assert!(s.contains("advisor: 1/12 calls this hour"), "{s}");
    assert_eq!(
        a.update(key('y'), at(131.0)),
        vec![Cmd::SetActivity("react".into())]
    );
    assert_eq!(a.activity_name(), Some("react"));
    assert!(!screen(&a, 80, 24).contains("try react"));
    assert!(!hint_bar(&a).contains(" y accept "), "{}", hint_bar(&a));
    assert_eq!(
        a.update(key('y'), at(132.0)),
        vec![],
        "nothing left to accept"
    );
}

#[test]
fn moments_and_chat_lines_are_accepted_in_turn_and_n_dismisses() {
    let mut a = app_sized(80, 24);
    a.update(status(1), T0);
    let calls = vec![
        ToolCall::TalkingPoint {
            text: "thank the raid".into(),
        },
        ToolCall::MarkMoment {
            reason: "that play".into(),
        },
        ToolCall::ChatMessage {
            text: "GG everyone".into(),
        },
    ];
    a.update(Msg::Engine(Update::Advice(Box::new(advice(calls)))), T0);
    // Accepted 90 s later, the moment is where the model pointed: when it answered.
    assert_eq!(
        a.update(key('y'), at(90.0)),
        vec![Cmd::Copilot(CopilotCmd::MarkMoment {
            at: T0,
            reason: "that play".into()
        })]
    );
    assert_eq!(
        a.update(key('y'), at(91.0)),
        vec![Cmd::Copilot(CopilotCmd::ApproveChat("GG everyone".into()))]
    );
    // The talking point stays readable until dismissed; dropping it records no dismissed
    // suggestion (there is none on screen).
    assert!(screen(&a, 80, 24).contains("talking point"));
    assert_eq!(a.update(key('n'), at(3.0)), vec![]);
    assert!(!screen(&a, 80, 24).contains("talking point"));
    // A resync carrying the same advice does not bring it back.
    let view = View {
        advice: Some(advice(vec![suggest("react")])),
        ..View::default()
    };
    a.update(Msg::Engine(Update::Resync(Box::new(view))), at(4.0));
    assert!(a.advisor.advice.is_none());
}

#[test]
fn empty_advice_keeps_the_standing_suggestion() {
    let mut a = app_sized(80, 24);
    a.update(status(1), T0);
    a.update(
        Msg::Engine(Update::Advice(Box::new(advice(vec![suggest("irl")])))),
        T0,
    );
    let mut empty = advice(vec![]);
    empty.at = at(60.0);
    a.update(Msg::Engine(Update::Advice(Box::new(empty))), at(60.0));
    assert!(screen(&a, 80, 24).contains("try irl"));
}

/// A later answer with only words or a talking point does not push aside a suggestion still
/// to accept (it is flashed); `n` on the suggestion records it dismissed, and `y` then `n` on
/// an advice whose suggestion was taken records no dismissal.
#[test]
fn words_leave_the_suggestion_and_n_dismisses_only_a_suggestion_on_screen() {
    let mut a = app_sized(100, 30);
    a.update(status(1), T0);
    a.update(
        Msg::Engine(Update::Advice(Box::new(advice(vec![suggest("irl")])))),
        T0,
    );
    let mut words = advice(vec![]);
    words.text = Some("Chat is calm right now.".into());
    words.at = at(60.0);
    a.update(Msg::Engine(Update::Advice(Box::new(words))), at(60.0));
    let s = screen(&a, 100, 30);
    assert!(s.contains("try irl"), "{s}");
    assert!(s.contains("advisor: Chat is calm right now."), "{s}");
    assert_eq!(
        a.update(key('n'), at(61.0)),
        vec![Cmd::Copilot(CopilotCmd::Dismiss)]
    );

    let mut both = advice(vec![
        suggest("react"),
        ToolCall::TalkingPoint {
            text: "thank the raid".into(),
        },
    ]);
    both.at = at(120.0);
    a.update(Msg::Engine(Update::Advice(Box::new(both))), at(120.0));
    assert_eq!(
        a.update(key('y'), at(121.0)),
        vec![Cmd::SetActivity("react".into())]
    );
    assert_eq!(
        a.update(key('n'), at(122.0)),
        vec![],
        "followed, not dismissed"
    );
}

/// What the advisor is doing (asking, waiting after a failure) shows even where the budget
/// and the note do not fit on one line together.
#[test]
fn the_advisor_note_shows_in_a_narrow_pane() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut a = app_sized(w, h);
        a.update(
            Msg::Engine(Update::Advisor(AdvisorStatus {
                budget: "advisor: 3/12 calls this hour".into(),
                note: Some("waiting 30 s after: server error (500)".into()),
                ..AdvisorStatus::default()
            })),
            T0,
        );
        let s = screen(&a, w, h);
        assert!(s.contains("advisor: waiting 30 s"), "{w}x{h}: {s}");
        // When the note only says when the last answer came, the budget shows.
        a.update(
            Msg::Engine(Update::Advisor(AdvisorStatus {
                budget: "advisor: 4/12 calls this hour".into(),
                note: Some("advice at 14:02:11".into()),
                ..AdvisorStatus::default()
            })),
            T0,
        );
        let s = screen(&a, w, h);
        assert!(s.contains("advisor: 4/12 calls"), "{w}x{h}: {s}");
    }
}

/// On in the config but not running (no key): `A` says why, not "turn it on".
#[test]
fn asking_an_advisor_that_could_not_start_says_why() {
    let mut a = app_sized(120, 30);
    a.ctx.advisor_off =
        "advisor: $OPENAI_API_KEY is not set (advisor.api_key_env); the advisor stays off".into();
    assert_eq!(a.update(key('A'), T0), vec![]);
    let s = screen(&a, 120, 30);
    assert!(s.contains("$OPENAI_API_KEY is not set"), "{s}");
    assert!(!s.contains("enabled = true"), "{s}");
}

/// "asking the advisor..." is answered in the footer: a refused ask (no budget, a backoff),
/// a failed call, an answer with nothing valid in it.
#[test]
fn an_ask_that_comes_to_nothing_says_why() {
    let mut a = app_sized(100, 30);
    a.update(status(0), T0);
    a.update(key('A'), T0);
    assert!(screen(&a, 100, 30).contains("asking the advisor"));
    let turned_down = AdvisorStatus {
        budget: "advisor: 12/12 calls this hour".into(),
        note: Some("no calls left this hour".into()),
        refused: 1,
        ..AdvisorStatus::default()
    };
    a.update(Msg::Engine(Update::Advisor(turned_down.clone())), at(1.0));
    let s = screen(&a, 100, 30);
    assert!(
        s.contains("advisor not asked: no calls left this hour"),
        "{s}"
    );
    a.update(key('A'), at(1.5));
    let failed = AdvisorStatus {
        note: Some("waiting 30 s after: HTTP 500".into()),
        failures: 1,
        ..turned_down
    };
    a.update(Msg::Engine(Update::Advisor(failed.clone())), at(2.0));
    let s = screen(&a, 100, 30);
    assert!(
        s.contains("advisor call failed: waiting 30 s after: HTTP 500"),
        "{s}"
    );
    a.update(key('A'), at(2.5));
    let mut refused = advice(vec![]);
    refused.rejected = 2;
    refused.at = at(3.0);
    a.update(Msg::Engine(Update::Advice(Box::new(refused))), at(3.0));
    let s = screen(&a, 100, 30);
    assert!(s.contains("its answer was refused"), "{s}");
    // A periodic call (no `A`) that fails is the budget line's business, not a flash.
    let again = AdvisorStatus {
        note: Some("waiting 60 s after: HTTP 500".into()),
        failures: 2,
        ..failed
    };
    a.update(Msg::Engine(Update::Advisor(again)), at(40.0));
    let s = screen(&a, 100, 30);
    assert!(!s.contains("advisor call failed: waiting 60 s"), "{s}");
}

/// At the smallest size the help scrolls instead of being cut off, and it lists the advisor's
/// keys only when the advisor is on.
#[test]
fn help_scrolls_at_60x16_and_names_advisor_keys_only_when_on() {
    let mut a = app_sized(60, 16);
    a.update(key('?'), T0);
    let top = screen(&a, 60, 16);
    assert!(top.contains("mark a moment now"), "{top}");
    assert!(top.contains("more below · j/k scroll"), "{top}");
    assert!(!top.contains("Keys can be changed"), "{top}");
    a.update(key('G'), T0);
    let end = screen(&a, 60, 16);
    assert!(
        end.contains("Keys can be changed in section [keys] of:") && end.contains("   config.toml"),
        "{end}"
    );
    assert!(end.contains("end · j/k scroll"), "{end}");
    assert!(!end.contains("advisor:"), "advisor off: {end}");
    // Scrolling back up by one shows the row above the first one shown.
    a.update(key('k'), T0);
    assert!(screen(&a, 60, 16).contains("more below"));
    // Closed and opened again, it starts at the top.
    a.update(key('?'), T0);
    a.update(key('?'), T0);
    assert!(screen(&a, 60, 16).contains("mark a moment now"));

    a.update(status(0), T0);
    a.update(key('G'), T0);
    let on = screen(&a, 60, 16);
    assert!(
        on.contains("advisor: dismiss the advice"),
        "advisor on: {on}"
    );
    // A tall terminal shows it all at once, with no scroll hint (in the popup or the bar).
    a.update(
        Msg::Resize {
            width: 100,
            height: 40,
        },
        T0,
    );
    let tall = screen(&a, 100, 40);
    assert!(tall.contains("mark a moment now") && tall.contains("Keys can be changed"));
    assert!(!tall.contains("scroll"), "{tall}");
}

/// The co-pilot records a suggestion nobody took within its interval as ignored: the TUI
/// stops offering it then (accepting it later switched the activity, yet the report said
/// "0 followed"). Its talking point stays.
#[test]
fn a_suggestion_is_offered_for_the_co_pilots_interval_only() {
    let mut c = tui_support::ctx();
    c.offer_window_ms = Some(60_000);
    let mut a = kicktui::app::App::new(c, T0);
    a.update(status(1), T0);
    let talk = ToolCall::TalkingPoint {
        text: "thank the raid".into(),
    };
    a.update(
        Msg::Engine(Update::Advice(Box::new(advice(vec![
            suggest("react"),
            talk,
        ])))),
        T0,
    );
    a.update(Msg::Tick(at(59.0)), at(59.0));
    assert!(hint_bar(&a).contains(" y accept "), "{}", hint_bar(&a));
    a.update(Msg::Tick(at(60.0)), at(60.0));
    assert!(!hint_bar(&a).contains(" y accept "), "{}", hint_bar(&a));
    assert_eq!(a.update(key('y'), at(61.0)), vec![]);
    assert_eq!(a.activity_name(), None);
    let s = screen(&a, 80, 24);
    assert!(s.contains("✦ talking point: thank"), "{s}");
}

/// Switched to the suggested activity by hand: nothing left to accept (`y` set it again).
#[test]
fn a_suggestion_already_followed_by_hand_is_not_offered() {
    let mut a = app_sized(80, 24);
    a.update(status(1), T0);
    a.update(
        Msg::Engine(Update::Advice(Box::new(advice(vec![suggest("react")])))),
        T0,
    );
    assert!(hint_bar(&a).contains(" y accept "), "{}", hint_bar(&a));
    a.update(key('4'), at(1.0));
    assert_eq!(a.activity_name(), Some("react"));
    a.update(Msg::Tick(at(2.0)), at(2.0));
    assert!(!hint_bar(&a).contains(" y accept "), "{}", hint_bar(&a));
    assert!(!screen(&a, 80, 24).contains("try react"));
}
