//! The self-improvement loop's pure half: the engagement collector, activity segments and
//! their rewards, the Thompson-sampling bandit, the context line and the retrospective.
//! No I/O and no clock; the engine (`engine::engage`) wires it, saves the bandit and writes
//! the rows.

pub mod bandit;
pub mod beta;
pub mod context;
pub mod metrics;
pub mod money;
pub mod report;
pub mod rng;
pub mod score_stats;
pub mod segments;

pub use bandit::{ArmState, ArmSummary, ThompsonBandit};
pub use metrics::Metrics;
pub use money::{Money, money_of};
pub use rng::{Random, SplitMix};

/// The activity a typed name means: any case, a space for `_` (`just chatting`).
pub fn arm_index(arms: &[String], typed: &str) -> Option<usize> {
    let typed = typed.split_whitespace().collect::<Vec<_>>().join("_");
    arms.iter().position(|a| a.eq_ignore_ascii_case(&typed))
}
