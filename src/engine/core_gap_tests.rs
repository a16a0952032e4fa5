//! A gap in chat (no connection yet, or an outage) is not a quiet chat: ordinary chat after it
//! is no moment.

use super::surge_tests::chat;
use super::*;

const T0: i64 = 1_790_000_000_000;

/// Steady chat from a crowd of 300 over seconds `from..to`: 0–4 messages a second, two on
/// average, at random (a fixed seed), as real chat wobbles.
fn steady(core: &mut Core, from: i64, to: i64, moments: &mut Vec<Moment>) {
    let words = [
        "nice",
        "what is he doing",
        "ok",
        "lets go",
        "true",
        "he has it",
    ];
    let mut seed = 7u64;
    let mut n = 0u64;
    for s in from..to {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let k = ((seed >> 33) % 5) as i64;
        for i in 0..k {
            n += 1;
            let t = Ts(T0 + s * 1000 + i * 1000 / k);
            let ev = chat(n * 7 % 300, words[n as usize % words.len()]);
            moments.extend(core.on_event(t, &ev).into_iter().filter_map(|e| match e {
                Effect::Moment(m) => Some(m),
                _ => None,
            }));
        }
    }
}

fn gap(core: &mut Core, from: i64, to: i64) {
    core.on_event(Ts(T0 + from * 1000), &Event::SourceDown);
    for s in from..to {
        core.on_tick(Ts(T0 + s * 1000));
    }
    core.on_event(Ts(T0 + to * 1000), &Event::SourceUp);
}

#[test]
fn chat_that_connects_minutes_late_is_no_moment() {
    // The engine starts with chat down (waiting for the channel ids, say) for 5 minutes.
    let mut core = Core::new(&Config::default(), OffsetBase::FirstEvent);
    gap(&mut core, 0, 300);
    let mut found = Vec::new();
    steady(&mut core, 300, 900, &mut found);
    found.extend(
        core.finish(Ts(T0 + 900_000))
            .into_iter()
            .filter_map(|e| match e {
                Effect::Moment(m) => Some(m),
                _ => None,
            }),
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn steady_chat_after_an_outage_is_no_moment() {
    let mut core = Core::new(&Config::default(), OffsetBase::FirstEvent);
    let mut found = Vec::new();
    steady(&mut core, 0, 400, &mut found);
    gap(&mut core, 400, 550);
    steady(&mut core, 550, 1000, &mut found);
    assert!(found.is_empty(), "{found:#?}");
}
