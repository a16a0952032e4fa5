use super::*;
use crate::domain::Event;

#[test]
fn chat_line_is_rate_limited_and_marks_spikes() {
    let mut p = Printer::new("clavicular", 10);
    p.lines(&Update::ChatState(ChatState::Live { reconnects: 0 }), Ts(0));
    let mut s = Snapshot::default();
    s.velocity.rate = 8.7;
    s.chat_spike = true;
    s.keywords = vec![("CLIP".into(), 5)];
    let first = p.lines(&Update::Snapshot(s.clone()), Ts(0));
    assert!(
        first[0].ends_with("Chat: 8.7 msg/s | Keywords: 5 ← SPIKE"),
        "{first:?}"
    );
    assert!(p.lines(&Update::Snapshot(s.clone()), Ts(5000)).is_empty());
    assert_eq!(p.lines(&Update::Snapshot(s.clone()), Ts(10_000)).len(), 1);

    // A new spike 2 s after a quiet line is marked at once, then the pace resumes.
    s.chat_spike = false;
    let quiet = p.lines(&Update::Snapshot(s.clone()), Ts(20_000));
    assert!(quiet[0].ends_with("Keywords: 5"), "{quiet:?}");
    s.chat_spike = true;
    let spike = p.lines(&Update::Snapshot(s.clone()), Ts(22_000));
    assert!(spike[0].ends_with("← SPIKE"), "{spike:?}");
    assert!(p.lines(&Update::Snapshot(s.clone()), Ts(23_000)).is_empty());
    assert_eq!(p.lines(&Update::Snapshot(s), Ts(32_000)).len(), 1);
}

#[test]
fn a_block_note_has_no_clock_of_its_own() {
    let mut p = Printer::new("clavicular", 10);
    let report = Update::Note("\n# Stream report: clavicular".into());
    assert_eq!(
        p.lines(&report, Ts(0)),
        vec!["\n# Stream report: clavicular"]
    );
    let note = p.lines(&Update::Note("Stream report saved".into()), Ts(0));
    assert!(note[0].starts_with('[') && note[0].ends_with("] Stream report saved"));
}

#[test]
fn connection_changes_print_once() {
    let mut p = Printer::new("clavicular", 10);
    let live = Update::ChatState(ChatState::Live { reconnects: 0 });
    assert!(p.lines(&live, Ts(0))[0].ends_with("Connected to clavicular chat"));
    assert!(p.lines(&live, Ts(0)).is_empty());
    let waiting = Update::ChatState(ChatState::Reconnecting {
        until: Ts(30_000),
        reason: "refused: 4001".into(),
    });
    assert!(p.lines(&waiting, Ts(0))[0].contains("refused: 4001"));
    assert!(p.lines(&waiting, Ts(0)).is_empty());
}

#[test]
fn a_reconnect_too_quick_to_see_still_prints_a_line() {
    let mut p = Printer::new("clavicular", 10);
    p.lines(&Update::ChatState(ChatState::Live { reconnects: 0 }), Ts(0));
    let again = Update::ChatState(ChatState::Live { reconnects: 1 });
    let lines = p.lines(&again, Ts(0));
    assert!(
        lines[0].ends_with("Chat live (reconnected once)"),
        "{lines:?}"
    );
    assert!(p.lines(&again, Ts(0)).is_empty());
}

#[test]
fn events_api_trouble_and_the_summary_read_plainly() {
    let mut p = Printer::new("clavicular", 10);
    let kicks = Update::Notable {
        at: Ts(0),
        event: Event::Kicks {
            sender: "donor".into(),
            amount: 500,
            message: "never printed".into(),
        },
    };
    let line = &p.lines(&kicks, Ts(0))[0];
    assert!(
        line.ends_with("Kicks: donor sent 500 Kicks ($5.00)"),
        "{line}"
    );
    assert!(
        p.lines(&Update::ApiOk, Ts(0)).is_empty(),
        "nothing to recover from"
    );
    let trouble = Update::ApiTrouble {
        message: "Kick's API is rate limiting kicktui (429); retrying in 60 s".into(),
        retry_s: Some(60),
        waits_for_ids: false,
    };
    assert!(p.lines(&trouble, Ts(0))[0].contains("Kick API: Kick's API is rate limiting"));
    assert!(p.lines(&Update::ApiOk, Ts(0))[0].ends_with("Kick API: answering again"));
    let done = Update::Finished(crate::engine::update::Summary {
        chat_messages: 12,
        moments: 2,
        unsaved_moments: 0,
        malformed_frames: 1,
    });
    assert!(
        p.lines(&done, Ts(0))[0]
            .ends_with("Received 12 chat messages, 2 moments, 1 malformed frame skipped")
    );
}

#[test]
fn no_chat_line_before_chat_is_connected() {
    let mut p = Printer::new("clavicular", 10);
    let snap = Update::Snapshot(Snapshot::default());
    assert!(p.lines(&snap, Ts(0)).is_empty());
    p.lines(&Update::ChatState(ChatState::Live { reconnects: 0 }), Ts(0));
    assert_eq!(p.lines(&snap, Ts(0)).len(), 1);
}

#[test]
fn advice_prints_its_calls_and_only_advisor_trouble_prints() {
    use crate::advisor::{Advice, AdvisorStatus, ToolCall};
    let mut p = Printer::new("clavicular", 10);
    let a = Advice {
        id: Some(1),
        at: Ts(0),
        calls: vec![ToolCall::SuggestActivity {
            arm: "react".into(),
            reason: "chat is slowing".into(),
        }],
        text: None,
        rejected: 0,
    };
    let lines = p.lines(&Update::Advice(Box::new(a)), Ts(0));
    assert_eq!(lines.len(), 1);
    assert!(lines[0].ends_with("Advisor: try react: chat is slowing"));
    let mut s = AdvisorStatus {
        budget: "advisor: 1/12 calls this hour".into(),
        note: Some("asking…".into()),
        ..AdvisorStatus::default()
    };
    assert!(p.lines(&Update::Advisor(s.clone()), Ts(0)).is_empty());
    s.note = Some("waiting 30 s after: rate limited (429)".into());
    assert!(
        p.lines(&Update::Advisor(s), Ts(0))[0].ends_with("waiting 30 s after: rate limited (429)")
    );
}

#[test]
fn a_moment_saved_only_when_final_says_so() {
    use crate::config::Moments;
    use crate::detect::moments::MomentBuilder;
    use crate::domain::ManualData;
    let moment = MomentBuilder::new(&Moments::default()).manual(Ts(5000), ManualData::default());
    let mut p = Printer::new("clavicular", 10);
    let building = Update::MomentBuilding {
        id: None,
        moment: moment.clone(),
    };
    assert!(p.lines(&building, Ts(0))[0].contains("NOT SAVED"));
    let fin = Update::Moment {
        id: Some(4),
        moment,
    };
    let lines = p.lines(&fin, Ts(0));
    assert!(
        lines[0].contains("Moment #4 (saved on a second try) final:"),
        "{lines:?}"
    );
}

/// The moments a surge builds one trigger at a time: a sub burst, grown into emote spam, the
/// same with a new score only, then placed earlier as a chat spike.
fn surge() -> [crate::domain::Moment; 4] {
    use crate::config::Moments;
    use crate::detect::moments::MomentBuilder;
    use crate::domain::{ManualData, Trigger, TriggerData, TriggerType};
    let trig = |kind, at_ms, strength| Trigger {
        kind,
        at: Ts(at_ms),
        strength,
        data: TriggerData::Manual(ManualData::default()),
    };
    let mut b = MomentBuilder::new(&Moments::default());
    b.on_trigger(trig(TriggerType::SubBurst, 10_000, 1.0));
    let first = b.preview().expect("a sub burst");
    b.on_trigger(trig(TriggerType::EmoteSpam, 12_000, 1.1));
    let stronger = b.preview().expect("grown");
    b.on_trigger(trig(TriggerType::EmoteSpam, 13_000, 1.5));
    let rescored = b.preview().expect("rescored");
    b.on_trigger(trig(TriggerType::ChatVelocity, 8_000, 2.0));
    let earlier = b.preview().expect("placed earlier");
    [first, stronger, rescored, earlier]
}

fn building(m: &crate::domain::Moment) -> Update {
    Update::MomentBuilding {
        id: Some(4),
        moment: m.clone(),
    }
}

fn finished(m: crate::domain::Moment) -> Update {
    Update::Moment {
        id: Some(4),
        moment: m,
    }
}

/// A building moment shown again: a line when its name or `+N` changed (what a quit stores),
/// none for a new score alone, and its final line though its start moved.
#[test]
fn a_building_moment_that_changes_name_says_so() {
    let [first, stronger, rescored, earlier] = surge();
    let mut p = Printer::new("clavicular", 10);
    assert!(p.lines(&building(&first), Ts(0))[0].contains("SUB BURST"));
    let now = p.lines(&building(&stronger), Ts(5_000));
    assert!(now[0].contains("Moment #4 now: EMOTE SPAM at"), "{now:?}");
    assert!(p.lines(&building(&rescored), Ts(10_000)).is_empty());
    assert!(p.lines(&building(&earlier), Ts(15_000))[0].contains("now: CHAT SPIKE"));
    let fin = p.lines(&finished(earlier), Ts(15_100));
    assert!(fin[0].contains("Moment #4 final: CHAT SPIKE"), "{fin:?}");
}

/// A surge renaming its moment several times a second: the banner at once, then at most one
/// `now:` line per 5 s (as the TUI's log pane), and the final line whatever came before.
#[test]
fn a_surge_prints_at_most_one_now_line_per_5_s() {
    let [first, stronger, _, earlier] = surge();
    let mut p = Printer::new("clavicular", 10);
    assert!(p.lines(&building(&first), Ts(0))[0].contains("SUB BURST"));
    assert!(p.lines(&building(&stronger), Ts(300)).is_empty());
    assert!(p.lines(&building(&earlier), Ts(800)).is_empty());
    assert!(p.lines(&building(&earlier), Ts(4_999)).is_empty());
    let now = p.lines(&building(&earlier), Ts(5_000));
    assert!(now[0].contains("Moment #4 now: CHAT SPIKE"), "{now:?}");
    // Said already: the same again later is no news.
    assert!(p.lines(&building(&earlier), Ts(20_000)).is_empty());
    let fin = p.lines(&finished(earlier), Ts(20_100));
    assert!(fin[0].contains("Moment #4 final: CHAT SPIKE"), "{fin:?}");
}

/// Held back while it builds, the name it ended as is still printed: by the final line.
#[test]
fn a_name_held_back_is_said_by_the_final_line() {
    let [first, stronger, ..] = surge();
    let mut p = Printer::new("clavicular", 10);
    assert!(p.lines(&building(&first), Ts(0))[0].contains("SUB BURST"));
    assert!(p.lines(&building(&stronger), Ts(1_000)).is_empty());
    let fin = p.lines(&finished(stronger), Ts(1_500));
    assert!(fin[0].contains("Moment #4 final: EMOTE SPAM"), "{fin:?}");
}

/// A rename held back by the 5 s rule is said by the next tick once due, not left to a final
/// line that may be minutes away (a long merge window).
#[test]
fn a_name_held_back_is_said_by_a_tick_once_due() {
    let [first, stronger, ..] = surge();
    let mut p = Printer::new("clavicular", 10);
    assert!(p.lines(&building(&first), Ts(0))[0].contains("SUB BURST"));
    assert!(p.lines(&building(&stronger), Ts(1_000)).is_empty());
    let tick = |p: &mut Printer, t| p.lines(&Update::Snapshot(Snapshot::default()), Ts(t));
    assert!(tick(&mut p, 4_000).is_empty(), "not due yet");
    let now = tick(&mut p, 5_000);
    assert_eq!(now.len(), 1, "{now:?}");
    assert!(now[0].contains("Moment #4 now: EMOTE SPAM"), "{now:?}");
    assert!(tick(&mut p, 6_000).is_empty(), "said once");
}

/// A pipe whose reader is gone.
struct ClosedPipe;

impl std::io::Write for ClosedPipe {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::ErrorKind::BrokenPipe.into())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_log_keeps_the_story_after_stdout_closes() {
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    let mut logged = Vec::new();
    let live = Update::WentLive {
        at: Ts(0),
        title: Some("finals".into()),
        session: Some(1),
        source: crate::kickapi::LiveSource::Api,
        resumed: false,
    };
    tx.try_send(Update::Note("Recording to: a.ts".into()))
        .expect("room");
    tx.try_send(live).expect("room");
    tx.try_send(Update::Note("Stream report saved".into()))
        .expect("room");
    drop(tx);
    print_all(rx, Printer::new("clavicular", 10), ClosedPipe, |l: &str| {
        logged.push(l.to_string())
    });
    assert_eq!(logged[0], "Recording to: a.ts");
    assert!(logged[1].contains("stdout is closed"), "{logged:?}");
    assert!(logged.iter().any(|l| l.contains("LIVE")), "{logged:?}");
    assert_eq!(
        logged.last().map(String::as_str),
        Some("Stream report saved")
    );
}

/// A spent co-pilot budget is said once (it went to kicktui.log only), again after calls
/// came back.
#[test]
fn a_spent_advisor_budget_is_said_once() {
    use crate::advisor::{AdvisorStatus, NO_CALLS_LEFT};
    let mut p = Printer::new("clavicular", 10);
    let now = Ts(1_790_000_000_000);
    let status = |note: Option<&str>| {
        Update::Advisor(AdvisorStatus {
            budget: "advisor: 12/12 calls this hour".into(),
            note: note.map(str::to_string),
            ..AdvisorStatus::default()
        })
    };
    let spent = p.lines(&status(Some(NO_CALLS_LEFT)), now);
    assert_eq!(spent.len(), 1);
    assert!(spent[0].ends_with("advisor: 12/12 calls this hour · no calls left this hour"));
    assert!(p.lines(&status(Some(NO_CALLS_LEFT)), now).is_empty());
    assert!(p.lines(&status(Some("asking…")), now).is_empty());
    assert_eq!(p.lines(&status(Some(NO_CALLS_LEFT)), now).len(), 1);
}

#[test]
fn clips_left_at_quit_say_why_when_time_ran_out() {
    use crate::engine::update::RecorderNews;
    let left = |out_of_time| {
        media::recorder_line(&RecorderNews::LeftPending {
            session: 2,
            moments: vec![4, 7],
            out_of_time,
        })
        .unwrap()
    };
    assert!(left(false).starts_with("2 clips of session 2 left pending (#4, #7): cut them later"));
    assert!(
        left(true).starts_with(
            "2 clips of session 2 left pending (#4, #7; the 20 s for cutting at quit ran out)"
        ),
        "{}",
        left(true)
    );
    let stuck = media::recorder_line(&RecorderNews::QuitUnfinished { session: 2 }).unwrap();
    assert!(
        stuck.contains("did not finish in time; clips not cut are left for"),
        "{stuck}"
    );
}
