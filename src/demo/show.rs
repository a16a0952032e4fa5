//! The demo stream's timeline: a few seconds offline, then live with steady chat, and in the
//! first minutes one of each kind of moment (a keyword burst, a Kicks gift, emote spam, a sub
//! train, a raid with a viewer jump). After that it keeps going with a random highlight every
//! couple of minutes; once the velocity baseline has a few minutes of history, hype bursts
//! become chat spikes.
//!
//! A simulated streamer changes activity every 70–130 s (a command to the engine, like a
//! key press), and chat follows it: Q&A and reacting get the chat going, IRL quietens it, so
//! the bandit has something to learn. Once the viewer picks an activity, the viewer is the
//! streamer: chat follows their choice and the simulation stops switching.

use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

use super::lines::{CAST, EVERYDAY, HYPE, LAUGH, NO_WAY, RAID, WAITING};
use super::rng::Rng;
use super::stage::Stage;
use crate::engine::runner::Command;

/// The simulated streamer: tells the engine the activity, as the keys would.
pub struct Streamer {
    pub commands: tokio::sync::mpsc::Sender<Command>,
    pub arms: Vec<String>,
    /// The activity the viewer last picked (a key, or typed), if any.
    pub viewer_pick: tokio::sync::watch::Receiver<Option<String>>,
}

/// How much livelier chat is during an activity than during `talk`.
fn liveliness(activity: &str) -> f64 {
    match activity {
        "q_and_a" => 2.2,
        "react" => 1.6,
        "gameplay" => 1.2,
        "irl" => 0.6,
        _ => 1.0,
    }
}

const TICK_S: f64 = 0.1;

#[derive(Clone, Copy, Debug)]
enum Beat {
    Live(&'static str),
    Viewers(u32),
    /// Background chat, messages per second from now on.
    Chat(f64),
    Burst {
        secs: f64,
        per_s: f64,
        lines: &'static [&'static str],
    },
    Sub(&'static str, u32),
    Gift(&'static str, u32),
    Kicks(&'static str, u32, &'static str),
    Raid(&'static str, u32),
}

use Beat::*;

/// Seconds from the start, in order. Chat moments need a crowd: a flood far above anything so
/// far fires within seconds; later bursts stand out against minutes of steady chat.
const OPENING: &[(f64, Beat)] = &[
    (0.0, Chat(0.4)),
    (5.0, Live("Ranked grind to top 500 | !discord")),
    (5.0, Viewers(180)),
    (5.0, Chat(3.0)),
    (9.0, Sub("cozy_otter", 1)),
    (20.0, Viewers(215)),
    // A flood far above anything so far: a moment within seconds, even this early.
    (35.0, burst(6.0, 35.0, NO_WAY)),
    (40.0, Sub("saltywaffle", 7)),
    (75.0, Kicks("lunarbean", 1000, "that clutch was insane")),
    (80.0, Viewers(240)),
    (125.0, burst(6.0, 7.0, LAUGH)),
    (180.0, Gift("GenerousGoose", 5)),
    (190.0, Viewers(262)),
    (225.0, Raid("BigStreamerTV", 320)),
    (225.0, burst(25.0, 2.5, RAID)),
    (230.0, Viewers(610)),
    (290.0, Viewers(560)),
];

/// After the opening: one of these every 100–160 s.
const LATER: &[Beat] = &[
    burst(20.0, 12.0, HYPE),
    burst(8.0, 6.0, NO_WAY),
    burst(6.0, 7.0, LAUGH),
    Kicks("maxtheyeti", 2500, "for the top 500 push"),
    Gift("dani_frost", 10),
    burst(20.0, 12.0, HYPE),
];

const fn burst(secs: f64, per_s: f64, lines: &'static [&'static str]) -> Beat {
    Burst { secs, per_s, lines }
}

struct Stream<C: Stage> {
    c: C,
    rng: Rng,
    chat_rate: f64,
    live: bool,
    viewers: u32,
    /// (until, per second, lines)
    bursts: Vec<(f64, f64, &'static [&'static str])>,
    /// Chat rate multiplier of the current activity.
    liveliness: f64,
}

impl<C: Stage> Stream<C> {
    fn play(&mut self, now: f64, beat: Beat) {
        match beat {
            Live(title) => {
                self.live = true;
                self.c.set_live(title);
            }
            Viewers(n) => {
                self.viewers = n;
                self.c.set_viewers(n);
            }
            Chat(rate) => self.chat_rate = rate,
            Burst { secs, per_s, lines } => self.bursts.push((now + secs, per_s, lines)),
            Sub(user, months) => self.c.sub(user, months),
            Gift(user, n) => self.c.gift_subs(user, n),
            Kicks(user, amount, msg) => self.c.tip(user, amount, msg),
            Raid(host, viewers) => self.c.raid(host, viewers),
        }
    }

    /// A flood is mostly lurkers: regulars alone could not make one (each chatter counts at
    /// most twice per window).
    fn crowd_member(&mut self) -> String {
        let name = self.rng.pick(CAST);
        if self.rng.f64() < 0.2 {
            return name.to_string();
        }
        format!("{name}{}", 10 + self.rng.below(990))
    }

    fn say(&mut self, lines: &[&str]) {
        let user = self.rng.pick(CAST).to_string();
        self.say_as(&user, lines);
    }

    fn say_as(&mut self, user: &str, lines: &[&str]) {
        let text = if self.rng.f64() < 0.05 {
            let to = self.rng.pick(CAST);
            let what = self
                .rng
                .pick(&["true", "lmao", "no shot", "facts", "same", "real"]);
            format!("@{to} {what}")
        } else {
            self.rng.pick(lines).to_string()
        };
        self.c.chat(user, &text);
    }

    /// One tick of chat: the background and every running burst.
    fn chatter(&mut self, now: f64) {
        let everyday = if self.live { EVERYDAY } else { WAITING };
        for _ in 0..self.rng.arrivals(self.chat_rate * self.liveliness, TICK_S) {
            self.say(everyday);
        }
        self.bursts.retain(|b| b.0 > now);
        for i in 0..self.bursts.len() {
            let (_, per_s, lines) = self.bursts[i];
            for _ in 0..self.rng.arrivals(per_s, TICK_S) {
                let user = self.crowd_member();
                self.say_as(&user, lines);
            }
        }
    }

    /// Viewers wander a little between polls.
    fn drift(&mut self) {
        if self.live {
            let step = self.rng.f64() * 0.08 - 0.04;
            self.viewers = ((f64::from(self.viewers) * (1.0 + step)) as u32).max(1);
            self.c.set_viewers(self.viewers);
        }
    }
}

/// Plays the stream on `c` until `stop`.
pub async fn run<C: Stage>(
    c: C,
    seed: u64,
    mut streamer: Option<Streamer>,
    stop: CancellationToken,
) {
    let mut s = Stream {
        c,
        rng: Rng::new(seed),
        chat_rate: 0.0,
        live: false,
        viewers: 0,
        bursts: Vec::new(),
        liveliness: streamer
            .as_ref()
            .and_then(|s| s.arms.first())
            .map_or(1.0, |a| liveliness(a)),
    };
    let mut current = 0usize;
    let mut next_change = 90.0;
    let mut viewer_drives = false;
    let start = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(TICK_S));
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut opening = OPENING.iter().peekable();
    let mut next_later = OPENING.last().map_or(0.0, |b| b.0) + 60.0;
    let mut next_drift = 30.0;
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tick.tick() => {}
        }
        let now = start.elapsed().as_secs_f64();
        while let Some((_, beat)) = opening.next_if(|b| b.0 <= now) {
            s.play(now, *beat);
        }
        if now >= next_later {
            let beat = LATER[s.rng.below(LATER.len())];
            s.play(now, beat);
            next_later = now + 100.0 + s.rng.f64() * 60.0;
        }
        if now >= next_drift && opening.peek().is_none() {
            s.drift();
            next_drift = now + 30.0;
        }
        if let Some(st) = &mut streamer
            && st.viewer_pick.has_changed().unwrap_or(false)
        {
            let pick = st.viewer_pick.borrow_and_update().clone();
            if let Some(i) = pick.and_then(|p| crate::engage::arm_index(&st.arms, &p)) {
                current = i;
                s.liveliness = liveliness(&st.arms[i]);
                viewer_drives = true;
            }
        }
        if let Some(st) = &streamer
            && now >= next_change
            && st.arms.len() > 1
            && !viewer_drives
        {
            // Any other activity; the engine's bandit judges how each one went.
            current = (current + 1 + s.rng.below(st.arms.len() - 1)) % st.arms.len();
            let name = st.arms[current].clone();
            s.liveliness = liveliness(&name);
            let _ = st.commands.try_send(Command::SimulatedActivity { name });
            next_change = now + 70.0 + s.rng.f64() * 60.0;
        }
        s.chatter(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Quiet;
    impl Stage for Quiet {
        fn set_live(&self, _: &str) {}
        fn set_viewers(&self, _: u32) {}
        fn chat(&self, _: &str, _: &str) {}
        fn sub(&self, _: &str, _: u32) {}
        fn gift_subs(&self, _: &str, _: u32) {}
        fn tip(&self, _: &str, _: u32, _: &str) {}
        fn raid(&self, _: &str, _: u32) {}
    }

    /// The simulated streamer switches on its own until the viewer picks an activity; from
    /// then on the viewer drives (their segments are scored on chat that follows them).
    #[tokio::test(start_paused = true)]
    async fn the_viewers_pick_stops_the_simulated_switching() {
        let (tx, mut rx) = tokio::sync::mpsc::channel(64);
        let (pick_tx, viewer_pick) = tokio::sync::watch::channel(None);
        let arms: Vec<String> = ["talk", "gameplay", "irl"].map(String::from).into();
        let streamer = Streamer {
            commands: tx,
            arms,
            viewer_pick,
        };
        let stop = CancellationToken::new();
        let show = tokio::spawn(run(Quiet, 7, Some(streamer), stop.clone()));
        tokio::time::sleep(Duration::from_secs(400)).await;
        let mut simulated = 0;
        while let Ok(c) = rx.try_recv() {
            // Said as the simulation's, not as the viewer's.
            assert!(matches!(c, Command::SimulatedActivity { .. }), "{c:?}");
            simulated += 1;
        }
        assert!(simulated >= 2, "it switches on its own: {simulated}");
        pick_tx.send_replace(Some("IRL".into()));
        tokio::time::sleep(Duration::from_secs(600)).await;
        assert!(rx.try_recv().is_err(), "it switched over the viewer");
        stop.cancel();
        show.await.expect("the show ends");
    }
}
