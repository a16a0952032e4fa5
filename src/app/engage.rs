//! The engine's engagement view into the model: the bandit's arms, the suggestion, and the
//! current activity (which `--activity` or another front end may have set).

use super::msg::{BanditArm, BanditView};
use super::state::App;
use crate::engine::view::EngageView;

impl App {
    pub(super) fn on_engage(&mut self, e: &EngageView) {
        // An engine without the bandit (tui-preview) sends an empty view: keep what we have.
        if e.arms.is_empty() && e.activity.is_none() {
            return;
        }
        self.bandit = BanditView {
            arms: e
                .arms
                .iter()
                .map(|a| BanditArm {
                    name: a.name.clone(),
                    mean: a.mean,
                    low: a.low,
                    high: a.high,
                    pulls: u32::try_from(a.pulls).unwrap_or(u32::MAX),
                })
                .collect(),
            suggestion: e.suggestion.clone(),
            engagement: e.engagement,
            revenue_per_hour: Some(e.donations_per_hour),
            context: e.context.clone(),
        };
        if let Some(name) = &e.activity {
            let i = self.ctx.activities.iter().position(|a| a == name);
            if i.is_some() {
                self.activity = i;
            }
        }
    }
}
