//! The stream's script: when things happen (windows, highlights, noise events) and the
//! baseline chat rate second by second.

use super::rng::Rng;
use super::synth::Params;

/// A time span in seconds since the stream started.
pub type Span = (f64, f64);

pub struct Plan {
    pub duration: f64,
    /// The start-of-stream greeting flood ends here.
    pub flood_end: f64,
    /// BRB: chat drops to a trickle, then a welcome-back burst.
    pub brk: Option<Span>,
    /// Slow mode, with the rate multiplier it causes.
    pub slow: Option<(Span, f64)>,
    pub emote_only: Option<Span>,
    /// Raid time and the raiding party's size.
    pub raids: Vec<(f64, u32)>,
    pub highlights: Vec<Span>,
}

fn inside(t: f64, spans: &[Span]) -> bool {
    spans.iter().any(|&(a, b)| t >= a && t <= b)
}

/// A random time in `[lo, hi]` outside `busy`, or `None` if it cannot find one.
pub fn free_time(r: &mut Rng, lo: f64, hi: f64, busy: &[Span]) -> Option<f64> {
    if hi <= lo {
        return None;
    }
    (0..50).map(|_| r.range(lo, hi)).find(|&t| !inside(t, busy))
}

impl Plan {
    pub fn new(r: &mut Rng, p: &Params, duration: f64) -> Plan {
        let hours = duration / 3600.0;
        let flood_end = r.range(120.0, 300.0).min(duration * 0.2);
        let brk = (hours >= 1.0 && r.chance(0.85)).then(|| {
            let start = r.range(0.35, 0.7) * duration;
            (start, start + r.range(300.0, 900.0))
        });
        let mut busy: Vec<Span> = vec![(0.0, flood_end + 60.0)];
        busy.extend(brk.map(|(a, b)| (a - 60.0, b + 120.0)));
        let slow = (hours >= 0.75 && r.chance(p.slow_mode_chance))
            .then(|| free_time(r, flood_end, duration - 900.0, &busy))
            .flatten()
            .map(|s| ((s, s + r.range(300.0, 900.0)), r.range(0.3, 0.5)));
        let emote_only = (hours >= 0.5 && r.chance(0.3))
            .then(|| free_time(r, flood_end, duration - 400.0, &busy))
            .flatten()
            .map(|s| (s, s + r.range(120.0, 360.0)));
        let n_raids =
            usize::from(hours >= 0.5 && r.chance(0.9)) + usize::from(hours >= 3.0 && r.chance(0.5));
        let mut raids = Vec::new();
        for _ in 0..n_raids {
            if let Some(t) = free_time(r, flood_end + 120.0, duration - 300.0, &busy) {
                // Raiding channels are a tenth of this one's size to as large as it.
                let viewers = p.viewers() * (r.range(0.1f64.ln(), 1.0f64.ln())).exp();
                raids.push((t, viewers.round().max(3.0) as u32));
                busy.push((t - 30.0, t + 120.0));
            }
        }
        raids.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut plan = Plan {
            duration,
            flood_end,
            brk,
            slow,
            emote_only,
            raids,
            highlights: Vec::new(),
        };
        plan.place_highlights(r, p);
        plan
    }

    /// Poisson count, uniform times away from the flood and the break, 40 s apart or more.
    fn place_highlights(&mut self, r: &mut Rng, p: &Params) {
        let mut busy: Vec<Span> = vec![(0.0, self.flood_end + 30.0)];
        busy.extend(self.brk.map(|(a, b)| (a - 90.0, b + 60.0)));
        let hi = self.duration - 120.0;
        let n = r.poisson(p.highlights_per_hour * self.duration / 3600.0);
        for _ in 0..n {
            let Some(start) = free_time(r, 0.0, hi, &busy) else {
                continue;
            };
            let len = r.normal(14f64.ln(), 0.5).exp().clamp(5.0, 40.0);
            self.highlights.push((start, start + len));
            busy.push((start - 40.0, start + 40.0));
        }
        self.highlights.sort_by(|a, b| a.0.total_cmp(&b.0));
    }

    /// Spans a scripted noise event should stay out of (it would be hidden or meaningless).
    pub fn quiet_spans(&self) -> Vec<Span> {
        let mut v = vec![(0.0, self.flood_end)];
        v.extend(self.brk);
        v
    }

    /// Spans an unlabelled burst must avoid so it does not land inside a highlight's window.
    pub fn highlight_spans(&self) -> Vec<Span> {
        let mut v = self.quiet_spans();
        v.extend(self.highlights.iter().map(|&(s, _)| (s - 30.0, s + 90.0)));
        v
    }
}

/// Per-second chat rates (msg/s) of the everyday chatter.
pub struct Timeline {
    /// Trend only: audience drift, ramp-up, slow mode, break, raid boost.
    pub smooth: Vec<f64>,
    /// `smooth` with short-term fluctuation: conversations come and go.
    pub noisy: Vec<f64>,
    /// Audience size relative to the channel's usual, per minute (ignores chat modes).
    pub audience: Vec<f64>,
}

impl Timeline {
    pub fn new(r: &mut Rng, p: &Params, plan: &Plan) -> Timeline {
        let secs = plan.duration.ceil() as usize;
        // Audience drift: an AR(1) walk in log space with knots every 10 minutes.
        let knots: Vec<f64> = {
            let mut x = r.normal(0.0, 0.2);
            (0..=secs / 600 + 1)
                .map(|_| {
                    x = 0.75 * x + r.normal(0.0, 0.2);
                    x.exp().clamp(0.55, 1.6)
                })
                .collect()
        };
        let viewers = p.viewers();
        let mut smooth = Vec::with_capacity(secs);
        let mut audience = Vec::new();
        for i in 0..secs {
            let t = i as f64;
            let k = i / 600;
            let f = (t - (k * 600) as f64) / 600.0;
            let drift = knots[k] * (1.0 - f) + knots[k + 1] * f;
            let ramp = 0.7 + 0.3 * (t / 900.0).min(1.0);
            let mut m = drift * ramp;
            for &(tr, v) in &plan.raids {
                if t >= tr {
                    let boost = (0.3 * v as f64 / viewers).min(0.4);
                    m *= 1.0 + boost * (-(t - tr) / 900.0).exp();
                }
            }
            if i % 60 == 0 {
                audience.push(m);
            }
            if let Some(((a, b), mult)) = plan.slow {
                m *= if t >= a && t < b { mult } else { 1.0 };
            }
            if let Some((a, b)) = plan.brk {
                m *= if t >= a && t < b { 0.15 } else { 1.0 };
            }
            smooth.push(p.base_rate * m);
        }
        // Fluctuation: per-minute and per-20-s log-normal factors with mean 1.
        let minute: Vec<f64> = (0..=secs / 60).map(|_| r.jitter(0.15)).collect();
        let block: Vec<f64> = (0..=secs / 20).map(|_| r.jitter(p.chatter_sigma)).collect();
        let noisy = smooth
            .iter()
            .enumerate()
            .map(|(i, s)| s * minute[i / 60] * block[i / 20])
            .collect();
        Timeline {
            smooth,
            noisy,
            audience,
        }
    }

    /// The trend rate at `t`, clamped to the stream.
    pub fn rate(&self, t: f64) -> f64 {
        let i = (t.max(0.0) as usize).min(self.smooth.len().saturating_sub(1));
        self.smooth.get(i).copied().unwrap_or(0.0)
    }
}
