//! The generator's state: who chats, the lines so far, and the two basic ingredients —
//! everyday chatter and a reaction burst.

use std::collections::HashSet;

use super::rng::{Cdf, Rng};
use super::script::{Plan, Timeline};
use super::synth::Params;
use super::text::{self, Style};
use super::vocab;

pub enum Body {
    Chat {
        user: String,
        text: String,
    },
    Raid {
        user: String,
        viewers: u32,
    },
    Sub {
        user: String,
    },
    Gift {
        user: String,
        count: u32,
    },
    Donation {
        user: String,
        amount: f64,
        text: String,
    },
    Viewers {
        count: u32,
    },
}

/// A line at `t` seconds since the stream started.
pub struct Line {
    pub t: f64,
    pub body: Body,
}

pub struct World {
    pub p: Params,
    pub plan: Plan,
    pub timeline: Timeline,
    pub streamer: String,
    pub users: Vec<String>,
    activity: Cdf,
    pub bots: Vec<&'static str>,
    pub taken: HashSet<String>,
    pub out: Vec<Line>,
}

/// How a burst is shaped: when chat peaks after its cause, and how high over baseline.
pub struct Burst {
    pub at: f64,
    /// Seconds from `at` to the peak.
    pub peak_lag: f64,
    /// Seconds from `at` before anyone reacts.
    pub onset: f64,
    /// Peak rate as a multiple of the everyday rate (1.0 = no reaction).
    pub peak_mult: f64,
    pub style: Style,
}

impl World {
    pub fn new(r: &mut Rng, p: Params, plan: Plan, timeline: Timeline) -> World {
        let mut taken = HashSet::new();
        let streamer = vocab::channel_name(r, &mut taken);
        let users = vocab::usernames(r, p.population, &mut taken);
        // Log-normal activity: a few chatters write a large share, most write once or twice.
        let weights: Vec<f64> = users.iter().map(|_| r.normal(0.0, 1.5).exp()).collect();
        let n_bots = r.int(1, 2);
        let mut bots = Vec::new();
        while bots.len() < n_bots {
            let b = r.pick(vocab::BOTS);
            if !bots.contains(&b) {
                bots.push(b);
            }
        }
        World {
            p,
            plan,
            timeline,
            streamer,
            users,
            activity: Cdf::new(&weights),
            bots,
            taken,
            out: Vec::new(),
        }
    }

    pub fn push(&mut self, t: f64, body: Body) {
        if t >= 0.0 && t < self.plan.duration {
            self.out.push(Line { t, body });
        }
    }

    pub fn chat(&mut self, t: f64, user: &str, text: String) {
        let user = user.to_owned();
        self.push(t, Body::Chat { user, text });
    }

    /// A chatter drawn by activity: regulars come up often.
    pub fn regular(&self, r: &mut Rng) -> &str {
        &self.users[self.activity.sample(r).min(self.users.len() - 1)]
    }

    /// A reacting chatter: half regulars, half lurkers who rarely type otherwise.
    pub fn reactor(&self, r: &mut Rng) -> &str {
        if r.chance(0.5) {
            self.regular(r)
        } else {
            &self.users[r.index(&self.users)]
        }
    }

    fn emote_only(&self, t: f64) -> bool {
        self.plan.emote_only.is_some_and(|(a, b)| t >= a && t < b)
    }

    /// Everyday chat: Poisson arrivals per second at the fluctuating baseline rate, with
    /// short reply threads and bot answers to `!commands`.
    pub fn everyday(&mut self, r: &mut Rng) {
        for i in 0..self.timeline.noisy.len() {
            let n = r.poisson(self.timeline.noisy[i]);
            for _ in 0..n {
                let t = i as f64 + r.f64();
                let user = self.regular(r).to_owned();
                if self.emote_only(t) {
                    self.chat(t, &user, text::emotes(r));
                    continue;
                }
                let other = self.regular(r).to_owned();
                let mentions: &[&str] = if other == user { &[] } else { &[&other] };
                let (msg, cmd) = text::everyday(r, &self.streamer, self.p.esports, mentions);
                if let Some(cmd) = cmd {
                    self.bot_reply(r, t, &user, cmd);
                }
                self.chat(t, &user, msg);
                if r.chance(0.05) && other != user {
                    let (reply, _) = text::everyday(r, &self.streamer, self.p.esports, &[]);
                    self.chat(t + r.exp(8.0) + 2.0, &other, format!("@{user} {reply}"));
                }
            }
        }
    }

    /// A burst of short similar messages; lag ~ onset + Gamma(3, θ) so the peak falls at
    /// `peak_lag` and the tail lasts about 30 s more.
    pub fn burst(&mut self, r: &mut Rng, b: &Burst) {
        let theta = ((b.peak_lag - b.onset) / 2.0).max(0.5);
        let base = self.timeline.rate(b.at + b.peak_lag);
        // Gamma(3, θ) density at its mode is 2e⁻²/θ; scale the count so the peak lands right.
        let excess = (b.peak_mult - 1.0).max(0.0) * base;
        let n = r.poisson(excess * theta / (2.0 * (-2.0f64).exp()));
        for _ in 0..n {
            let t = b.at + b.onset + r.gamma_int(3, theta);
            let user = self.reactor(r).to_owned();
            let msg = if self.emote_only(t) {
                text::emotes(r)
            } else {
                text::reaction(r, &b.style, &self.streamer, self.p.esports)
            };
            self.chat(t, &user, msg);
        }
    }

    pub fn bot_reply(&mut self, r: &mut Rng, t: f64, user: &str, cmd: &str) {
        let bot = r.pick(&self.bots);
        let s = &self.streamer;
        let up = t as u64;
        let text = match cmd {
            "!discord" => format!("@{user} Join the community Discord: discord.gg/{s}"),
            "!uptime" => format!(
                "@{user} {s} has been live for {}h {}m {}s",
                up / 3600,
                up / 60 % 60,
                up % 60
            ),
            "!socials" | "!youtube" => {
                format!("@{user} X: @{s} | YouTube: youtube.com/@{s} | TikTok: @{s}")
            }
            "!rank" => format!("@{user} {s} is currently Diamond 2 (73 LP)"),
            "!sens" => format!("@{user} 800 DPI, 0.42 in game, 1.0 scoped"),
            "!specs" => format!("@{user} RTX 4080, Ryzen 7 7800X3D, 32GB DDR5. Full list: !setup"),
            "!followage" => format!("@{user} has been following {s} for {} days", r.int(3, 900)),
            "!points" | "!watchtime" => {
                format!("@{user} you have {} points", r.int(50, 90_000))
            }
            "!commands" => format!("@{user} Commands: !discord !socials !uptime !rank !sens"),
            // Not every command has an answer (mods removed it, the bot ignores it).
            _ if r.chance(0.5) => return,
            _ => format!("@{user} {cmd} is not a command, see !commands"),
        };
        self.chat(t + r.range(0.3, 2.5), bot, text);
    }
}
