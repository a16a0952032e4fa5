//! Whether the streamer followed a suggestion: the activity switching to the suggested arm
//! (followed) or to another one (other), nothing until the window ends (ignored), or a key
//! press (dismissed). Engagement is read again `settle` after the decision, so the report can
//! say what following did. Pure: time and the observed state are arguments.

use std::time::Duration;

use crate::domain::Ts;
use crate::store::{AdviceOutcome, Followed};

#[derive(Clone, Debug, PartialEq)]
struct Pending {
    advice_id: i64,
    arm: String,
    at: Ts,
    activity_before: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
struct Settling {
    outcome: AdviceOutcome,
    due: Ts,
}

#[derive(Clone, Debug)]
pub struct FollowTracker {
    window: Duration,
    settle: Duration,
    pending: Option<Pending>,
    settling: Vec<Settling>,
}

impl FollowTracker {
    pub fn new(window: Duration, settle: Duration) -> FollowTracker {
        FollowTracker {
            window,
            settle,
            pending: None,
            settling: Vec::new(),
        }
    }

    /// A new suggestion; one still open is closed: followed (or another switch) if the
    /// activity changed since it came, which the next observation would have said, else
    /// ignored. A suggestion of the activity already on is not one to follow.
    pub fn suggest(
        &mut self,
        advice_id: i64,
        arm: &str,
        activity: Option<&str>,
        now: Ts,
    ) -> Vec<AdviceOutcome> {
        let decided = self.switched(activity).unwrap_or(Followed::Ignored);
        let out = self.close(decided, activity, None, now);
        if activity != Some(arm) {
            self.pending = Some(Pending {
                advice_id,
                arm: arm.into(),
                at: now,
                activity_before: activity.map(String::from),
            });
        }
        out
    }

    /// How the open suggestion ended if the activity is no longer the one it came with.
    fn switched(&self, activity: Option<&str>) -> Option<Followed> {
        let p = self.pending.as_ref()?;
        if activity.is_none() || activity == p.activity_before.as_deref() {
            return None;
        }
        Some(if activity == Some(p.arm.as_str()) {
            Followed::Followed
        } else {
            Followed::Other
        })
    }

    /// The streamer dismissed the open suggestion: dismissed, unless the activity already
    /// switched since it came (accepting it and then dropping the rest of the advice is
    /// following it; the next observation would have said so).
    pub fn dismiss(
        &mut self,
        activity: Option<&str>,
        engagement: Option<f64>,
        now: Ts,
    ) -> Vec<AdviceOutcome> {
        let decided = self.switched(activity).unwrap_or(Followed::Dismissed);
        self.close(decided, activity, engagement, now)
    }

    /// Call every few seconds with the current activity and engagement.
    pub fn observe(
        &mut self,
        activity: Option<&str>,
        engagement: Option<f64>,
        now: Ts,
    ) -> Vec<AdviceOutcome> {
        let mut out = Vec::new();
        if let Some(f) = self.switched(activity) {
            out.extend(self.close(f, activity, engagement, now));
        } else if self
            .pending
            .as_ref()
            .is_some_and(|p| now.secs_since(p.at) >= self.window.as_secs_f64())
        {
            out.extend(self.close(Followed::Ignored, activity, engagement, now));
        }
        // Settled: engagement a while after the decision.
        let mut i = 0;
        while i < self.settling.len() {
            if now >= self.settling[i].due {
                let mut s = self.settling.swap_remove(i);
                if engagement.is_some() {
                    s.outcome.engagement_after = engagement;
                    out.push(s.outcome);
                }
            } else {
                i += 1;
            }
        }
        out
    }

    fn close(
        &mut self,
        followed: Followed,
        activity: Option<&str>,
        _engagement: Option<f64>,
        now: Ts,
    ) -> Vec<AdviceOutcome> {
        let Some(p) = self.pending.take() else {
            return Vec::new();
        };
        let outcome = AdviceOutcome {
            advice_id: p.advice_id,
            followed,
            decided_at: now,
            activity_after: activity.map(String::from),
            engagement_after: None,
        };
        self.settling.push(Settling {
            outcome: outcome.clone(),
            due: now.plus_secs(self.settle.as_secs_f64()),
        });
        vec![outcome]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    fn t(s: f64) -> Ts {
        Ts::from_secs_f64(1_000.0 + s)
    }

    #[test]
    fn switching_to_the_suggestion_is_followed_then_engagement_is_read_later() {
        let mut f = FollowTracker::new(5 * MIN, 2 * MIN);
        assert!(f.suggest(7, "gameplay", Some("talk"), t(0.0)).is_empty());
        assert!(f.observe(Some("talk"), Some(40.0), t(30.0)).is_empty());
        let o = f.observe(Some("gameplay"), Some(41.0), t(60.0));
        assert_eq!(o.len(), 1);
        assert_eq!((o[0].advice_id, o[0].followed), (7, Followed::Followed));
        assert_eq!(o[0].engagement_after, None);
        assert!(f.observe(Some("gameplay"), Some(45.0), t(120.0)).is_empty());
        let later = f.observe(Some("gameplay"), Some(52.0), t(180.0));
        assert_eq!(later[0].engagement_after, Some(52.0));
        assert!(f.observe(Some("gameplay"), Some(52.0), t(240.0)).is_empty());
    }

    #[test]
    fn another_activity_is_other_and_no_change_is_ignored() {
        let mut f = FollowTracker::new(5 * MIN, MIN);
        f.suggest(1, "gameplay", Some("talk"), t(0.0));
        assert_eq!(
            f.observe(Some("irl"), None, t(10.0))[0].followed,
            Followed::Other
        );
        f.suggest(2, "gameplay", Some("irl"), t(20.0));
        assert!(f.observe(Some("irl"), None, t(300.0)).is_empty());
        assert_eq!(
            f.observe(Some("irl"), None, t(320.0))[0].followed,
            Followed::Ignored
        );
    }

    #[test]
    fn a_new_suggestion_closes_the_old_and_dismiss_closes_it_too() {
        let mut f = FollowTracker::new(5 * MIN, MIN);
        f.suggest(1, "gameplay", Some("talk"), t(0.0));
        let o = f.suggest(2, "irl", Some("talk"), t(10.0));
        assert_eq!((o[0].advice_id, o[0].followed), (1, Followed::Ignored));
        let d = f.dismiss(Some("talk"), None, t(20.0));
        assert_eq!((d[0].advice_id, d[0].followed), (2, Followed::Dismissed));
        assert!(f.dismiss(Some("talk"), None, t(30.0)).is_empty());
    }

    /// `y` then a new suggestion before the next look: the switch made counts as followed,
    /// not ignored; and a suggestion of the activity already on is not tracked (it would be
    /// "followed" by the next switch anywhere).
    #[test]
    fn a_switch_before_the_next_suggestion_counts_and_the_current_one_is_not_a_suggestion() {
        let mut f = FollowTracker::new(5 * MIN, MIN);
        f.suggest(1, "gameplay", Some("talk"), t(0.0));
        let o = f.suggest(2, "gameplay", Some("gameplay"), t(1.0));
        assert_eq!((o[0].advice_id, o[0].followed), (1, Followed::Followed));
        assert!(
            f.observe(Some("talk"), None, t(10.0)).is_empty(),
            "2 is not tracked"
        );
        assert!(f.dismiss(Some("talk"), None, t(20.0)).is_empty());
    }

    /// `y` on a suggested activity, then `n` to drop the rest of that advice within the
    /// same few seconds: the suggestion was followed, not dismissed.
    #[test]
    fn dismissing_after_switching_to_the_suggestion_keeps_it_followed() {
        let mut f = FollowTracker::new(5 * MIN, MIN);
        f.suggest(1, "react", Some("talk"), t(0.0));
        let d = f.dismiss(Some("react"), None, t(3.0));
        assert_eq!((d[0].advice_id, d[0].followed), (1, Followed::Followed));
    }
}
