//! The actor's records: each call as an `advice` row, and what the streamer did afterwards.

use serde_json::Value;

use super::actor::Actor;
use super::tools::ToolCall;
use crate::domain::Ts;
use crate::engine::view::View;
use crate::store::{AdviceOutcome, AdviceWrite, NewAdvice, WriteOp};

impl Actor {
    pub(super) async fn record_outcomes(&self, out: Vec<AdviceOutcome>) {
        let Some(store) = &self.store else { return };
        for o in out {
            if let Err(e) = store
                .enqueue(WriteOp::Advice(AdviceWrite::Outcome(o)))
                .await
            {
                tracing::debug!("advisor: outcome not stored: {e}");
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn row(
        &self,
        view: &View,
        input: Value,
        at: Ts,
        outcome: &str,
        calls: &[ToolCall],
        rejected: u32,
        free_text: Option<String>,
    ) -> NewAdvice {
        let e = &view.snapshot.engage;
        let suggested = calls.iter().find_map(|c| match c {
            ToolCall::SuggestActivity { arm, .. } => Some(arm.clone()),
            _ => None,
        });
        let bandit_mean = suggested
            .as_ref()
            .and_then(|s| e.arms.iter().find(|a| &a.name == s))
            .map(|a| a.mean);
        NewAdvice {
            session_id: view.session,
            at,
            provider: self.client.provider().as_str().into(),
            model: self.client.model().into(),
            outcome: outcome.into(),
            input,
            tool_calls: serde_json::to_value(calls).unwrap_or(Value::Null),
            rejected_calls: rejected,
            free_text,
            suggested_arm: suggested,
            bandit_arm: e.suggestion.clone(),
            bandit_mean,
            activity_before: e.activity.clone(),
            engagement_before: e.engagement,
        }
    }

    pub(super) async fn store_row(&self, row: NewAdvice) -> Option<i64> {
        let store = self.store.as_ref()?;
        match store
            .send(WriteOp::Advice(AdviceWrite::Insert(Box::new(row))))
            .await
        {
            Ok(id) => Some(id),
            Err(e) => {
                tracing::warn!("advisor: call not stored: {e}");
                None
            }
        }
    }
}
