//! `[engagement]`, `[revenue]` and `[bandit]`: the engagement score's formula, what money is
//! worth, and the activities the bandit learns about.

use serde::{Deserialize, Serialize};

/// The engagement score (see `engage::metrics` and the README for the formula).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Engagement {
    /// Chat messages and distinct chatters are counted over this many seconds.
    pub window_seconds: u32,
    /// Money is counted over this many seconds (gifts are rarer than messages).
    pub support_window_seconds: u32,
    /// How slowly the stream's own baseline follows each signal.
    pub baseline_minutes: u32,
    pub chat_weight: f64,
    pub chatters_weight: f64,
    pub support_weight: f64,
    /// γ in r^γ / (1 + r^γ): how fast the score leaves 50 as a signal leaves its baseline.
    pub steepness: f64,
}

impl Default for Engagement {
    fn default() -> Self {
        Engagement {
            window_seconds: 60,
            support_window_seconds: 300,
            baseline_minutes: 30,
            chat_weight: 0.5,
            chatters_weight: 0.3,
            support_weight: 0.2,
            steepness: 1.5,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Revenue {
    /// What one sub (or one gifted sub) is worth in dollars. Kicks and bits are $0.01 each.
    pub sub_price_usd: f64,
}

impl Default for Revenue {
    fn default() -> Self {
        Revenue { sub_price_usd: 5.0 }
    }
}

/// The activities (the bandit's arms) and how segments are judged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Bandit {
    pub arms: Vec<String>,
    /// A segment shorter than this gives the bandit no reward (too short to judge).
    pub min_segment_seconds: u32,
    /// Headless mode prints the context line this often.
    pub context_interval_seconds: u32,
    /// `--activity NAME`: the activity the run starts with (not a file setting).
    #[serde(skip)]
    pub start_activity: Option<String>,
}

impl Default for Bandit {
    fn default() -> Self {
        Bandit {
            arms: ["talk", "gameplay", "q_and_a", "react", "irl"]
                .map(String::from)
                .to_vec(),
            min_segment_seconds: 120,
            context_interval_seconds: 300,
            start_activity: None,
        }
    }
}

/// Two activity names are one in any case (`Réact`, `RÉACT`, `réact`), not only ASCII's.
pub fn same_activity(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

impl Bandit {
    /// The arm called `name`, or an error listing the arms.
    pub fn arm(&self, name: &str) -> Result<String, String> {
        let wanted = name.trim();
        self.arms
            .iter()
            .find(|a| same_activity(a, wanted))
            .cloned()
            .ok_or_else(|| {
                format!(
                    "unknown activity {name:?}; the activities are: {} (set them in [bandit] arms)",
                    self.arms.join(", ")
                )
            })
    }
}

type Check = Result<(), (String, String)>;

pub(super) fn validate(e: &Engagement, r: &Revenue, b: &Bandit) -> Check {
    let whole = |key: &str, v: u32, lo: u32, hi: u32| -> Check {
        if (lo..=hi).contains(&v) {
            Ok(())
        } else {
            Err((
                key.into(),
                format!("a whole number from {lo} to {hi}, got {v}"),
            ))
        }
    };
    whole("engagement.window_seconds", e.window_seconds, 5, 3600)?;
    whole(
        "engagement.support_window_seconds",
        e.support_window_seconds,
        5,
        7200,
    )?;
    whole("engagement.baseline_minutes", e.baseline_minutes, 1, 1440)?;
    for (key, w) in [
        ("engagement.chat_weight", e.chat_weight),
        ("engagement.chatters_weight", e.chatters_weight),
        ("engagement.support_weight", e.support_weight),
    ] {
        // Only their ratios matter; past 1000 their sum could overflow.
        if !(w.is_finite() && (0.0..=1000.0).contains(&w)) {
            return Err((key.into(), format!("a number from 0 to 1000, got {w}")));
        }
    }
    if e.chat_weight + e.chatters_weight + e.support_weight <= 0.0 {
        return Err((
            "engagement.chat_weight".into(),
            "at least one weight above 0".into(),
        ));
    }
    if !(e.steepness.is_finite() && e.steepness > 0.0) {
        return Err((
            "engagement.steepness".into(),
            format!("a number above 0, got {}", e.steepness),
        ));
    }
    if !(r.sub_price_usd.is_finite() && r.sub_price_usd >= 0.0) {
        return Err((
            "revenue.sub_price_usd".into(),
            format!("a price of at least 0, got {}", r.sub_price_usd),
        ));
    }
    if b.arms.is_empty() || b.arms.len() > 9 {
        return Err((
            "bandit.arms".into(),
            format!("1 to 9 activity names, got {}", b.arms.len()),
        ));
    }
    for (i, a) in b.arms.iter().enumerate() {
        let ok = !a.is_empty()
            && a.len() <= 24
            && a.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
        if !ok {
            return Err((
                "bandit.arms".into(),
                format!("names of letters, digits, _ or - (at most 24), got {a:?}"),
            ));
        }
        // Typed headless, a number picks by position and `m` marks a moment.
        let reserved = a.chars().all(|c| c.is_ascii_digit())
            || ["m", "mark", "help"]
                .iter()
                .any(|r| a.eq_ignore_ascii_case(r));
        if reserved {
            return Err((
                "bandit.arms".into(),
                format!("{a:?} is taken by the typed commands (numbers, m, mark, help): rename it"),
            ));
        }
        if b.arms[..i].iter().any(|o| same_activity(o, a)) {
            return Err(("bandit.arms".into(), format!("{a:?} is listed twice")));
        }
    }
    whole(
        "bandit.min_segment_seconds",
        b.min_segment_seconds,
        0,
        86_400,
    )?;
    whole(
        "bandit.context_interval_seconds",
        b.context_interval_seconds,
        1,
        86_400,
    )?;
    Ok(())
}
