//! A moment's name and "+N" while it builds are the ones it is stored and reloaded with: a
//! sub burst shown as `SUB BURST` whose chat reaction outdid it was `EMOTE SPAM +3` after a
//! restart, with nothing on screen saying it had changed.

use super::tests::chat;
use super::*;
use crate::domain::TriggerType;

fn gift(count: u32) -> Event {
    Event::GiftedSubs {
        gifter: "patron".into(),
        count,
    }
}

/// What the moments list shows of a moment: its type and how many other triggers.
fn shown(m: &Moment) -> (TriggerType, usize) {
    (m.trigger_type, m.triggers.len().saturating_sub(1))
}

/// Five quiet minutes of chat, then `first` at 300 s and `second` 4 s later.
fn two_signals(first: &[Event], second: &[Event], stop_at_s: Option<i64>) -> Vec<Effect> {
    let mut cfg = Config::default();
    cfg.chat.warmup_seconds = 0;
    let mut core = Core::new(&cfg, OffsetBase::FirstEvent);
    let mut out = Vec::new();
    for s in (0..300).step_by(4) {
        out.extend(core.on_event(Ts(s * 1000), &chat(s as u64 % 7, "hello there")));
    }
    for (i, ev) in first.iter().enumerate() {
        out.extend(core.on_event(Ts(300_000 + i as i64 * 50), ev));
    }
    for (i, ev) in second.iter().enumerate() {
        out.extend(core.on_event(Ts(304_000 + i as i64 * 50), ev));
    }
    let end = stop_at_s.unwrap_or(360);
    for s in 305..=end {
        out.extend(core.on_tick(Ts(s * 1000)));
    }
    if let Some(s) = stop_at_s {
        // Quit while it still builds: the final form is what the next start reloads.
        out.extend(core.finish(Ts(s * 1000)));
    }
    out
}

/// The building forms shown, then the final one.
fn building_then_final(out: &[Effect]) -> (Vec<(TriggerType, usize)>, (TriggerType, usize)) {
    let building = out
        .iter()
        .filter_map(|e| match e {
            Effect::MomentBuilding(m) => Some(shown(m)),
            _ => None,
        })
        .collect();
    let finals: Vec<_> = out
        .iter()
        .filter_map(|e| match e {
            Effect::Moment(m) => Some(shown(m)),
            _ => None,
        })
        .collect();
    assert_eq!(finals.len(), 1, "one moment: {finals:?}");
    (building, finals[0])
}

/// Sixty chatters spamming an emote in 3 s (chat velocity fires too).
fn emote_spam() -> Vec<Event> {
    (0..60).map(|i| chat(100 + i, "KEKW KEKW")).collect()
}

#[test]
fn a_sub_burst_outdone_by_its_chat_reaction_is_shown_as_it_will_be_stored() {
    for stop in [None, Some(310)] {
        let out = two_signals(&[gift(5)], &emote_spam(), stop);
        let (building, last) = building_then_final(&out);
        assert_eq!(
            building.first(),
            Some(&(TriggerType::SubBurst, 0)),
            "shown at once as the sub burst"
        );
        assert_ne!(last.0, TriggerType::SubBurst, "the reaction outdid it");
        assert_eq!(
            building.last(),
            Some(&last),
            "the list shows what is stored (stopped at {stop:?}): {building:?}"
        );
    }
}

#[test]
fn a_chat_reaction_outdone_by_a_big_sub_burst_is_shown_as_it_will_be_stored() {
    for stop in [None, Some(310)] {
        let out = two_signals(&emote_spam(), &[gift(50)], stop);
        let (building, last) = building_then_final(&out);
        assert_eq!(last.0, TriggerType::SubBurst, "fifty subs outdo the spam");
        assert_eq!(
            building.last(),
            Some(&last),
            "the list shows what is stored (stopped at {stop:?}): {building:?}"
        );
    }
}
