//! Scripted events: labelled highlights and everything else that makes chat burst —
//! unlabelled off-topic bursts, a raid, a break, subs, gifts, donations — plus viewer counts.

use super::rng::Rng;
use super::script::free_time;
use super::text::Style;
use super::vocab;
use super::world::{Body, Burst, World};

#[rustfmt::skip]
const RAID_CHAT: &[&str] = &[
    "{r} RAID", "{e} {e} {e}", "RAID PogChamp", "hi from {r}'s stream", "HeyGuys", "peepoHey",
    "raid raid raid", "🎉 RAID 🎉", "{e}", "{r} sent us", "hello {s} chat", "{e} RAID {e}",
    "{R} RAID {R} RAID", "hi", "what game is this",
];
#[rustfmt::skip]
const WELCOME: &[&str] = &[
    "welcome raiders", "W raid", "hi raiders", "welcome in", "peepoHey raiders", "W RAID",
    "ty for the raid",
];
#[rustfmt::skip]
const BRB: &[&str] = &[
    "brb?", "Sadge", "bathroom break", "BRB", "take your time", "AFK", "ok",
];
#[rustfmt::skip]
const WB: &[&str] = &[
    "he's back", "wb", "peepoHey", "WB", "welcome back", "we're back", "FINALLY", "hi again",
];
/// Things chat gets excited about that are not on stream: a guest in chat, a ban, a pet,
/// news, a funny chat message, a song.
#[rustfmt::skip]
const OFF_TOPIC: &[&[&str]] = &[
    &["is that who i think it is in chat", "OMG HE'S HERE", "W guest", "HI", "peepoHey"],
    &["RIPBOZO", "L bozo", "banned KEKW", "get him out", "mods", "W mods"],
    &["CAT", "KITTY", "awww", "show the cat", "catJAM", "CAT!!"],
    &["did you guys see the news", "the tweet LMAO", "no way that's real", "W announcement"],
    &["whoever said that KEKW", "true LMAO", "he's right", "chat is wild today", "ratio"],
    &["BANGER", "catJAM", "pepeD", "turn it up", "song name?", "vibing"],
];
#[rustfmt::skip]
const GIFT_CHAT: &[&str] = &[
    "W gifter", "W", "POGGERS", "thanks for the gifts", "GIGACHAD", "W GIFTER",
];
#[rustfmt::skip]
const DONATION_CHAT: &[&str] = &[
    "W donator", "TTS KEKW", "generous", "W", "LMAO the tts", "POGGERS",
];
#[rustfmt::skip]
const DONATION_TEXT: &[&str] = &[
    "love the streams!", "buy yourself a coffee", "play the new map pls", "first donation ever",
    "{s} is bald KEKW", "greetings from finland", "hydrate", "", "",
];

/// Peak multiple over baseline: a few barely visible, many weak, some strong, up to the
/// profile's ceiling (a hundred viewers cannot jump 15×; a huge chat saturates).
fn strength(r: &mut Rng, silent_share: f64, max_peak: f64) -> f64 {
    match r.weighted(&[silent_share, 45.0, 28.0, 15.0]) {
        0 => r.range(1.1, 1.5),
        1 => r.range(1.5, 3.0),
        2 => r.range(3.0, 5.0),
        _ => r.range(5f64.ln(), max_peak.max(5.0).ln()).exp(),
    }
}

/// Chat reacts to each labelled highlight, peaking 15–25 s after it starts.
pub fn highlights(w: &mut World, r: &mut Rng) {
    for (start, end) in w.plan.highlights.clone() {
        let len = end - start;
        let peak_lag = (13.0 + 0.3 * len + r.normal(0.0, 1.5)).clamp(15.0, 25.0);
        let style = Style::random(r);
        let peak_mult = strength(r, 12.0, w.p.max_peak);
        let onset = r.range(5.0, 9.0);
        w.burst(
            r,
            &Burst {
                at: start,
                peak_lag,
                onset,
                peak_mult,
                style,
            },
        );
        // A long highlight often has a second beat (the play, then the celebration).
        if len > 25.0 && r.chance(0.4) {
            let at = start + 0.6 * len;
            let peak_mult = 1.0 + (peak_mult - 1.0) * 0.5;
            w.burst(
                r,
                &Burst {
                    at,
                    peak_lag,
                    onset,
                    peak_mult,
                    style,
                },
            );
        }
    }
}

/// Bursts with no highlight behind them, as strong as real ones: they keep precision honest.
pub fn off_topic(w: &mut World, r: &mut Rng) {
    let avoid = w.plan.highlight_spans();
    let (lo, hi) = (w.plan.flood_end, w.plan.duration - 120.0);
    for _ in 0..r.poisson(w.p.bursts_per_hour * w.plan.duration / 3600.0) {
        let Some(at) = free_time(r, lo, hi, &avoid) else {
            continue;
        };
        let peak_mult = strength(r, 0.0, w.p.max_peak);
        let context = r.pick(OFF_TOPIC);
        let style = Style::with_context(r, context);
        let peak_lag = r.range(6.0, 22.0);
        let onset = r.range(1.0, 5.0).min(peak_lag - 1.0);
        w.burst(
            r,
            &Burst {
                at,
                peak_lag,
                onset,
                peak_mult,
                style,
            },
        );
    }
}

/// A raid: the event line, then a wall of greetings and the raider's emote from new
/// chatters for about a minute, and the regulars welcoming them.
pub fn raids(w: &mut World, r: &mut Rng) {
    for (at, viewers) in w.plan.raids.clone() {
        let raider = vocab::channel_name(r, &mut w.taken);
        w.push(
            at,
            Body::Raid {
                user: raider.clone(),
                viewers,
            },
        );
        let prefix: String = raider
            .chars()
            .filter(char::is_ascii_alphabetic)
            .take(4)
            .collect();
        let emote = format!(
            "{}{}",
            prefix.to_lowercase(),
            r.pick(&["Love", "Hype", "Raid"])
        );
        let mean = (viewers as f64 * r.range(0.1, 0.3)).min(1500.0);
        let n = r.poisson(mean);
        let crowd = vocab::usernames(r, n * 2 / 3 + 1, &mut w.taken);
        for _ in 0..n {
            let t = at + 2.0 + r.gamma_int(2, 10.0).min(150.0);
            let text = r
                .pick(RAID_CHAT)
                .replace("{r}", &raider)
                .replace("{R}", &raider.to_uppercase())
                .replace("{e}", &emote)
                .replace("{s}", &w.streamer);
            let user = crowd[r.index(&crowd)].clone();
            w.chat(t, &user, text);
        }
        let style = Style::with_context(r, WELCOME);
        let peak_mult = r.range(1.5, 3.0);
        w.burst(
            r,
            &Burst {
                at,
                peak_lag: 10.0,
                onset: 2.0,
                peak_mult,
                style,
            },
        );
    }
}

/// "brb" chatter as the streamer leaves, then a welcome-back burst when they return.
pub fn brb(w: &mut World, r: &mut Rng) {
    let Some((a, b)) = w.plan.brk else {
        return;
    };
    let style = Style::with_context(r, BRB);
    let peak_mult = r.range(1.5, 2.5);
    w.burst(
        r,
        &Burst {
            at: a - 15.0,
            peak_lag: 8.0,
            onset: 1.0,
            peak_mult,
            style,
        },
    );
    let style = Style::with_context(r, WB);
    let peak_mult = r.range(2.0, 4.0);
    let peak_lag = r.range(8.0, 14.0);
    w.burst(
        r,
        &Burst {
            at: b,
            peak_lag,
            onset: 2.0,
            peak_mult,
            style,
        },
    );
}

/// Subs, gifted subs and donations at their per-hour rates; gifts and donations get a small
/// thank-you burst.
pub fn support(w: &mut World, r: &mut Rng) {
    let hours = w.plan.duration / 3600.0;
    let (lo, hi) = (w.plan.flood_end * 0.5, w.plan.duration - 60.0);
    for _ in 0..r.poisson(w.p.subs_per_hour * hours) {
        let t = r.range(lo, hi);
        let user = w.regular(r).to_owned();
        w.push(t, Body::Sub { user });
    }
    for _ in 0..r.poisson(w.p.gifts_per_hour * hours) {
        let at = r.range(lo, hi);
        let user = w.reactor(r).to_owned();
        let count = r.pick(&[1, 1, 1, 5, 5, 10, 20, 50]);
        w.push(at, Body::Gift { user, count });
        let peak_mult = 1.2 + 0.4 * (count as f64).ln();
        let style = Style::with_context(r, GIFT_CHAT);
        w.burst(
            r,
            &Burst {
                at,
                peak_lag: 6.0,
                onset: 1.0,
                peak_mult,
                style,
            },
        );
    }
    for _ in 0..r.poisson(w.p.donations_per_hour * hours) {
        let at = r.range(lo, hi);
        let user = w.regular(r).to_owned();
        let amount = (r.range(2f64.ln(), 100f64.ln()).exp() * 100.0).round() / 100.0;
        let text = r.pick(DONATION_TEXT).replace("{s}", &w.streamer);
        w.push(at, Body::Donation { user, amount, text });
        // Chat reacts when the alert (and its TTS) plays on stream.
        let peak_mult = r.range(1.2, 3.0);
        let style = Style::with_context(r, DONATION_CHAT);
        let peak_lag = r.range(8.0, 18.0);
        w.burst(
            r,
            &Burst {
                at,
                peak_lag,
                onset: 3.0,
                peak_mult,
                style,
            },
        );
    }
}

/// A viewer count every minute, following the audience (not chat modes or the break).
pub fn viewer_counts(w: &mut World, r: &mut Rng) {
    let viewers = w.p.viewers();
    for (i, &a) in w.timeline.audience.clone().iter().enumerate() {
        let count = (viewers * a * r.jitter(0.02)).round().max(1.0) as u32;
        w.push(i as f64 * 60.0 + 30.0, Body::Viewers { count });
    }
}
