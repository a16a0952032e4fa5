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
    arms.iter()
        .position(|a| crate::config::same_activity(a, &typed))
}

#[cfg(test)]
mod arm_name_tests {
    use super::arm_index;

    #[test]
    fn a_typed_activity_matches_in_any_case_of_any_script() {
        let arms: Vec<String> = ["talk", "réact", "just_chatting"].map(String::from).into();
        assert_eq!(arm_index(&arms, "RÉACT"), Some(1));
        assert_eq!(arm_index(&arms, "Just Chatting"), Some(2));
        assert_eq!(
            arm_index(&arms, "react"),
            None,
            "an accent is another letter"
        );
    }
}
