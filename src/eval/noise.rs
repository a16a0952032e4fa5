//! Chat noise that is not a highlight but fools naive detectors: the start flood, goodbyes,
//! bot timers, giveaways, copypastas, a spammer and polls.

use super::rng::Rng;
use super::script::free_time;
use super::text::Style;
use super::vocab::{self, BOT_TIMERS, COPYPASTAS, GREETINGS};
use super::world::{Burst, World};

#[rustfmt::skip]
const OPENERS: &[&str] = &[
    "first", "FIRST", "LETS GOOO", "stream!!", "finally live", "peepoHappy", "we're live",
    "hi {s} peepoHey", "{s}!!!", "notification gang", "just woke up perfect timing",
];
#[rustfmt::skip]
const GOODBYES: &[&str] = &[
    "gn", "bye", "o7", "ty for the stream", "gn chat", "good stream", "GN", "see you tomorrow",
    "byeee", "W stream", "thanks for the stream {s}", "peepoHey bye", "<3",
];
#[rustfmt::skip]
const SPAM: &[&str] = &[
    "@{s} play valorant", "FIRST", "when giveaway", "hello??", "{s} say hi to me pls", "KEKW",
    "check your dms", "notice me", "PLAY THE NEW MAP",
];
#[rustfmt::skip]
const ENTER: &[&str] = &[
    "!enter", "!enter", "!enter", "!ENTER", "!enter pls", "!enter 🙏",
];
const POLLS: &[(&str, &str, &str)] = &[
    ("Which map next?", "Ancient", "Nuke"),
    ("Will he win this game?", "yes", "no"),
    ("Next game?", "ranked", "casual"),
    ("Pineapple on pizza?", "yes", "no"),
];
#[rustfmt::skip]
const VOTES: &[&str] = &[
    "1", "2", "1", "2", "1111", "2 KEKW", "1!", "option 2", "1 obviously",
];
const GIVEAWAY_END: &[&str] = &["rigged", "congrats", "GG", "W", "never win anything Sadge"];

/// Expected count for a burst of `per_base_s` seconds' worth of baseline chat.
fn sized(w: &World, per_base_s: f64) -> f64 {
    w.p.base_rate * per_base_s
}

fn fill(template: &str, streamer: &str) -> String {
    template.replace("{s}", streamer)
}

/// Greetings flood for the first minutes, the sponsor command sent over and over, and the
/// bots' "we're live" notice.
pub fn start_flood(w: &mut World, r: &mut Rng) {
    let end = w.plan.flood_end;
    // Peaks at roughly 1.5–4× the everyday rate.
    let mean = sized(w, end / 3.0 * r.range(2.0, 5.0));
    let n = r.poisson(mean);
    let s = w.streamer.clone();
    for _ in 0..n {
        // Rises over the first half minute as notifications land, then fades.
        let t = r.gamma_int(2, end / 6.0) % end;
        let user = w.reactor(r).to_owned();
        let text = if t < 60.0 && r.chance(0.25) {
            fill(r.pick(OPENERS), &s)
        } else {
            fill(r.pick(GREETINGS), &s)
        };
        w.chat(t, &user, text);
    }
    let sponsor = r.pick(&["!sponsor", "!drops", "!code"]);
    let mean = sized(w, r.range(20.0, 60.0)).min(800.0);
    let n = r.poisson(mean);
    for _ in 0..n {
        let t = 20.0 + r.range(0.0, end);
        let user = w.reactor(r).to_owned();
        w.chat(t, &user, sponsor.to_owned());
    }
    let bot = w.bots[0];
    let notice = format!("{s} is live! Today's sponsor: type {sponsor} to claim your reward.");
    w.chat(r.range(5.0, 40.0), bot, notice);
}

/// Goodbyes over the last minutes of the stream.
pub fn end_wave(w: &mut World, r: &mut Rng) {
    let len = r.range(120.0, 240.0).min(w.plan.duration * 0.1);
    let start = w.plan.duration - len;
    let mean = sized(w, len * r.range(0.8, 2.0));
    let n = r.poisson(mean);
    let s = w.streamer.clone();
    for _ in 0..n {
        let user = w.reactor(r).to_owned();
        let text = fill(r.pick(GOODBYES), &s);
        w.chat(r.range(start, w.plan.duration), &user, text);
    }
}

/// Each bot posts a long timer message every 12–25 minutes.
pub fn bot_timers(w: &mut World, r: &mut Rng) {
    for bot in w.bots.clone() {
        let mut t = r.range(60.0, 900.0);
        while t < w.plan.duration {
            let text = fill(r.pick(BOT_TIMERS), &w.streamer);
            w.chat(t, bot, text);
            t += r.range(720.0, 1500.0);
        }
    }
}

/// A giveaway: the bot announces it, dozens (to hundreds) type `!enter` within a minute,
/// then the winner is drawn and chat reacts a little.
pub fn giveaway(w: &mut World, r: &mut Rng, at: f64) {
    let bot = w.bots[0];
    let prize = r.pick(&[
        "a gaming headset",
        "a $50 gift card",
        "a signed jersey",
        "a skin",
    ]);
    w.chat(
        at,
        bot,
        format!("Giveaway for {prize} started! Type !enter to join. Ends in 2 minutes."),
    );
    let mean = sized(w, r.range(30.0, 80.0)).clamp(8.0, 800.0);
    let n = r.poisson(mean);
    for _ in 0..n {
        let t = at + 1.0 + r.exp(15.0).min(110.0);
        let user = w.users[r.index(&w.users)].clone();
        w.chat(t, &user, (r.pick(ENTER)).to_owned());
    }
    let winner = w.users[r.index(&w.users)].clone();
    let end = at + 120.0;
    w.chat(
        end,
        bot,
        format!("@{winner} won {prize}! Congrats 🎉 Whisper a mod within 5 minutes."),
    );
    let style = Style::with_context(r, GIVEAWAY_END);
    let peak_mult = r.range(1.3, 2.5);
    w.burst(
        r,
        &Burst {
            at: end,
            peak_lag: 6.0,
            onset: 1.0,
            peak_mult,
            style,
        },
    );
}

/// A long message copied by several chatters within half a minute, some slightly edited.
pub fn copypasta(w: &mut World, r: &mut Rng, at: f64) {
    let pasta = r.pick(COPYPASTAS);
    let mean = sized(w, r.range(3.0, 8.0));
    let k = r.poisson(mean).clamp(3, 60);
    for i in 0..k {
        let t = at + if i == 0 { 0.0 } else { r.gamma_int(2, 5.0) };
        let user = w.reactor(r).to_owned();
        let text = match r.weighted(&[7.0, 1.0, 1.0]) {
            0 => pasta.to_owned(),
            1 => format!("{pasta} {}", r.pick(vocab::EMOTES)),
            _ => pasta.to_lowercase(),
        };
        w.chat(t, &user, text);
    }
}

/// One chatter sending the same line again and again.
pub fn spammer(w: &mut World, r: &mut Rng, at: f64) {
    let user = w.regular(r).to_owned();
    let text = fill(r.pick(SPAM), &w.streamer);
    let mut t = at;
    for _ in 0..r.int(8, 25) {
        w.chat(t, &user, text.clone());
        t += r.range(2.0, 8.0);
    }
}

/// A chat poll: the bot asks, many answer "1" or "2" within a minute.
pub fn poll(w: &mut World, r: &mut Rng, at: f64) {
    let (q, a, b) = r.pick(POLLS);
    let bot = w.bots[0];
    w.chat(
        at,
        bot,
        format!("Poll started: {q} Type 1 for {a}, 2 for {b}!"),
    );
    let mean = sized(w, r.range(15.0, 40.0)).max(4.0);
    let n = r.poisson(mean);
    for _ in 0..n {
        let t = at + 2.0 + r.gamma_int(2, 8.0).min(70.0);
        let user = w.reactor(r).to_owned();
        w.chat(t, &user, (r.pick(VOTES)).to_owned());
    }
}

/// A noise event placed at a time.
type Script = fn(&mut World, &mut Rng, f64);

/// Places the scripted noise events of this module at their per-hour rates.
pub fn scatter(w: &mut World, r: &mut Rng) {
    let hours = w.plan.duration / 3600.0;
    let quiet = w.plan.quiet_spans();
    let (lo, hi) = (w.plan.flood_end, w.plan.duration - 180.0);
    let kinds: [(f64, Script); 4] = [
        (0.35, giveaway),
        (w.p.copypastas_per_hour, copypasta),
        (0.7, spammer),
        (0.4, poll),
    ];
    for (per_hour, f) in kinds {
        for _ in 0..r.poisson(per_hour * hours) {
            if let Some(t) = free_time(r, lo, hi, &quiet) {
                f(w, r, t);
            }
        }
    }
}
