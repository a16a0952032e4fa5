//! How likely a chat peak is a moment a clipper keeps: a logistic regression on nine cheap
//! features of the 15 s window at the peak. The weights were fitted on 60 real Dota 2 chats
//! with hand-labelled highlights (sfu-db/Lightor_Exp), each also thinned to a quarter and a
//! tenth of its messages so small channels are scored fairly; on streams left out of the fit
//! it beat the best threshold rule on precision and ranking (see docs/detection.md).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};

/// Reaction words and emotes (substring, any case) whose share in the window is a feature.
pub const REACTION_WORDS: [&str; 24] = [
    "lul",
    "kappa",
    "pogchamp",
    "pog",
    "wutface",
    "omg",
    "wtf",
    "lol",
    "lmao",
    "kreygasm",
    "rip",
    "biblethump",
    "4head",
    "ez",
    "clip",
    "gg",
    "wow",
    "monkas",
    "pepehands",
    "residentsleeper",
    "haha",
    "xd",
    "?",
    "!!",
];

pub fn reaction_matcher() -> Option<AhoCorasick> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build(REACTION_WORDS)
        .ok()
}

/// What the model sees of one window (counted messages only: no bots, no commands, at most
/// two per chatter).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WindowFeatures {
    /// Messages in the window.
    pub count: f64,
    /// The usual window count over the last minutes.
    pub baseline: f64,
    /// Share of the window's messages containing its most used word.
    pub top_share: f64,
    /// Mean message length, characters.
    pub mean_len: f64,
    /// Share of messages of at most three words.
    pub short_share: f64,
    /// Share of messages with a reaction word or emote.
    pub reaction_share: f64,
    /// The window count 30 s earlier.
    pub before: f64,
    /// The highest peak count seen before this one in the stream.
    pub best_before: f64,
}

// Standardisation (mean, sd) and weights, in the order of `inputs`.
const MEAN: [f64; 9] = [
    2.1745, 1.0126, 1.1619, 0.3631, 2.7867, 0.7295, 0.5051, 1.2314, -0.3286,
];
const SD: [f64; 9] = [
    0.8476, 0.9511, 0.4751, 0.1578, 0.4901, 0.2186, 0.2410, 0.6053, 0.7763,
];
const WEIGHT: [f64; 9] = [
    0.4153, 0.1201, 0.5004, 0.0802, -0.2527, 0.1740, 0.1900, -0.0537, -0.0021,
];
const BIAS: f64 = -0.4802;
/// The usual 15 s window count of the busiest chats the weights were fitted on (above
/// their 99th percentile, about 1.75 msg/s).
const MAX_BASELINE: f64 = 26.25;

impl WindowFeatures {
    fn inputs(&self) -> [f64; 9] {
        // Beyond the busiest chats of the fit the size terms would run away (every peak of
        // a 20 msg/s chat would pass): such a chat is scored as if it were that busy.
        let scale = (MAX_BASELINE / self.baseline).min(1.0);
        let raw = self.count.max(1.0);
        let c = (self.count * scale).max(1.0);
        let b = (self.baseline * scale).max(0.5);
        [
            c.ln(),
            b.ln(),
            (c / b).ln(),
            self.top_share,
            (self.mean_len + 1.0).ln(),
            self.short_share,
            self.reaction_share,
            (raw / self.before.max(1.0)).ln(),
            (raw / self.best_before.max(1.0)).ln(),
        ]
    }

    /// The probability that a clipper keeps a moment at this peak.
    pub fn probability(&self) -> f64 {
        let x = self.inputs();
        let mut z = BIAS;
        for i in 0..x.len() {
            z += WEIGHT[i] * (x[i] - MEAN[i]) / SD[i];
        }
        1.0 / (1.0 + (-z).exp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> WindowFeatures {
        WindowFeatures {
            count: 25.0,
            baseline: 11.0,
            top_share: 0.3,
            mean_len: 17.0,
            short_share: 0.7,
            reaction_share: 0.5,
            before: 10.0,
            best_before: 25.0,
        }
    }

    #[test]
    fn bigger_sharper_reactions_score_higher() {
        let p = base().probability();
        assert!((0.2..0.8).contains(&p), "{p}");
        let louder = WindowFeatures {
            count: 60.0,
            ..base()
        };
        assert!(louder.probability() > p);
        let chatty = WindowFeatures {
            mean_len: 60.0,
            short_share: 0.2,
            reaction_share: 0.1,
            ..base()
        };
        assert!(chatty.probability() < p, "long talk is not a reaction");
    }

    #[test]
    fn a_chat_busier_than_any_fitted_is_scored_by_its_shape_not_its_size() {
        // The same peak, relative to its chat, on a 1.7 msg/s chat and a 33 msg/s one.
        let busiest = WindowFeatures {
            count: 37.5,
            baseline: 25.0,
            before: 25.0,
            best_before: 37.5,
            ..base()
        };
        let huge = WindowFeatures {
            count: 750.0,
            baseline: 500.0,
            before: 500.0,
            best_before: 750.0,
            ..busiest
        };
        let ordinary = WindowFeatures {
            baseline: 550.0,
            ..huge
        };
        assert!((huge.probability() - busiest.probability()).abs() < 0.05);
        assert!(
            huge.probability() < 0.45,
            "half as many again is not enough"
        );
        assert!(ordinary.probability() < huge.probability());
        let tripled = WindowFeatures {
            count: 1500.0,
            best_before: 1500.0,
            ..huge
        };
        assert!(tripled.probability() > 0.6, "a tripling is");
    }

    #[test]
    fn the_reaction_words_match_inside_words_and_any_case() {
        let m = reaction_matcher().expect("builds");
        assert!(m.is_match("LULW"));
        assert!(m.is_match("what?"));
        assert!(!m.is_match("nice play"));
    }
}
