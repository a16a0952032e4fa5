//! The per-second score's running statistics, and why a second was credited to no activity:
//! segments take their mean as a difference of two of these, and say which holds left their
//! seconds out.

/// Why a second's score was credited to no activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Held {
    /// A stream's first part, while its usual level is learnt.
    Learning,
    /// The chat window after a switch still measures the previous activity.
    Switch,
    Raid,
    /// Chat not arriving (an outage, or kicktui asleep), or its window refilling after it.
    ChatOutage,
    /// No score at all (the chat window filling, or nothing learnt to compare with).
    NoScore,
}

impl Held {
    pub const ALL: [Held; 5] = [
        Held::Learning,
        Held::Switch,
        Held::Raid,
        Held::ChatOutage,
        Held::NoScore,
    ];

    /// What a segment's "no reward" line says of these seconds.
    pub fn phrase(self) -> &'static str {
        match self {
            Held::Learning => {
                "the stream's first part (its usual level is learnt for a third of [engagement] baseline_minutes)"
            }
            Held::Switch => {
                "the chat window after a switch (it still measures the activity before)"
            }
            Held::Raid => "a raid's welcome",
            Held::ChatOutage => "chat not arriving (an outage, or kicktui not running)",
            Held::NoScore => "no score yet (the chat window filling)",
        }
    }
}

/// Running statistics of the per-second score.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ScoreStats {
    pub sum: f64,
    pub seconds: u64,
    pub min: f64,
    pub max: f64,
    /// Seconds credited to no activity, by [`Held`] (indexed as `Held::ALL`).
    pub held: [u64; 5],
}

impl ScoreStats {
    pub(super) fn push(&mut self, s: f64) {
        if self.seconds == 0 {
            self.min = s;
            self.max = s;
        }
        self.min = self.min.min(s);
        self.max = self.max.max(s);
        self.sum += s;
        self.seconds += 1;
    }

    pub fn mean(&self) -> Option<f64> {
        (self.seconds > 0).then(|| self.sum / self.seconds as f64)
    }
}
