//! The co-pilot in the model: its status (the budget line), its latest advice with the calls
//! not yet accepted, and the keys that ask, accept and dismiss. Accepting a suggested activity
//! takes the same path as the activity keys; a suggested moment is marked like `m`; a chat line
//! is approved for the chat voice.

use super::msg::Cmd;
use super::state::{App, FlashKind};
use crate::advisor::show::{actionable, call_line};
use crate::advisor::{Advice, AdvisorStatus, ToolCall};
use crate::domain::Ts;
use crate::engine::copilot::CopilotCmd;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AdvisorView {
    /// `None`: the advisor is off in this run.
    pub status: Option<AdvisorStatus>,
    /// The latest advice, minus the calls already accepted; `None` once dismissed or done.
    pub advice: Option<Advice>,
    /// When the latest advice was made, so a resync does not bring a dismissed one back.
    seen: Option<Ts>,
    /// `A` was pressed and its answer has not come: the footer's "asking…" waits for it.
    asked: bool,
}

impl AdvisorView {
    /// The call the accept key acts on.
    pub fn offer(&self) -> Option<&ToolCall> {
        self.advice.as_ref()?.calls.iter().find(|c| actionable(c))
    }

    /// The line to show: the offer, else a talking point, else the model's words.
    pub fn headline(&self) -> Option<String> {
        let a = self.advice.as_ref()?;
        self.offer()
            .or(a.calls.first())
            .map(call_line)
            .or_else(|| a.text.clone())
    }
}

impl App {
    pub(super) fn on_advice(&mut self, a: Advice) {
        if self.advisor.seen.is_some_and(|s| s >= a.at) {
            return;
        }
        self.advisor.seen = Some(a.at);
        let asked = std::mem::take(&mut self.advisor.asked);
        for line in crate::advisor::show::lines(&a) {
            tracing::info!("{line}");
        }
        // "Nothing to suggest" leaves a standing suggestion where it is; the footer still
        // answers the "asking…" it showed.
        if a.calls.is_empty() && a.text.is_none() {
            // Periodic calls that come to nothing are the status line's business.
            if !asked {
                return;
            }
            let why = if a.rejected > 0 {
                format!(
                    "advisor: its answer was refused ({} call(s) not valid; see the log)",
                    a.rejected
                )
            } else {
                "advisor: nothing to suggest".into()
            };
            self.flash(why, FlashKind::Info);
            return;
        }
        // Words or a talking point do not push aside something still to accept: they are
        // flashed (and logged), the offer stays.
        if self.advisor.offer().is_some() && !a.calls.iter().any(actionable) {
            let said = a.calls.first().map(call_line).or(a.text);
            if let Some(h) = said {
                self.flash(format!("advisor: {h}"), FlashKind::Info);
            }
            return;
        }
        self.advisor.advice = Some(a);
        if let Some(h) = self.advisor.headline() {
            self.flash(format!("advisor: {h}"), FlashKind::Info);
        }
    }

    /// A refused "ask now" or a failed call after `A` is said where "asking…" was.
    pub(super) fn on_advisor_status(&mut self, s: AdvisorStatus) {
        let before = self.advisor.status.as_ref();
        let refused = before.is_some_and(|b| s.refused > b.refused);
        let failed = before.is_some_and(|b| s.failures > b.failures);
        let note = s.note.clone().unwrap_or_default();
        if self.advisor.asked && (failed || refused) {
            self.advisor.asked = false;
            if failed {
                self.flash(format!("advisor call failed: {note}"), FlashKind::Bad);
            } else {
                self.flash(format!("advisor not asked: {note}"), FlashKind::Info);
            }
        }
        self.advisor.status = Some(s);
    }

    pub(super) fn ask_advice(&mut self) -> Vec<Cmd> {
        if self.advisor.status.is_none() {
            self.flash(self.ctx.advisor_off.clone(), FlashKind::Info);
            return vec![];
        }
        self.flash("asking the advisor...".into(), FlashKind::Info);
        self.advisor.asked = true;
        vec![Cmd::Copilot(CopilotCmd::AskNow)]
    }

    /// A suggested activity is no longer offered once it is on (switched to by hand: `y`
    /// would set it again), or once it has stood past the window the co-pilot gives it (it
    /// records it as ignored then; accepting it later counted for nothing).
    pub(super) fn expire_offer(&mut self) {
        let current = self.activity_name().map(String::from);
        let now = self.now;
        let window = self.ctx.offer_window_ms;
        let Some(a) = self.advisor.advice.as_mut() else {
            return;
        };
        let expired = window.is_some_and(|w| now.0 - a.at.0 >= w);
        let before = a.calls.len();
        a.calls.retain(|c| match c {
            ToolCall::SuggestActivity { arm, .. } => {
                !expired && current.as_deref() != Some(arm.as_str())
            }
            _ => true,
        });
        if a.calls.len() < before && a.calls.is_empty() && a.text.is_none() {
            self.advisor.advice = None;
        }
    }

    pub(super) fn accept_advice(&mut self, now: Ts) -> Vec<Cmd> {
        let Some(a) = self.advisor.advice.as_mut() else {
            self.flash("no advice to accept".into(), FlashKind::Info);
            return vec![];
        };
        let Some(i) = a.calls.iter().position(actionable) else {
            self.flash("nothing in this advice to accept".into(), FlashKind::Info);
            return vec![];
        };
        let call = a.calls.remove(i);
        // The model meant the minute before it answered, not the minute before the key.
        let advised_at = a.at.min(now);
        if a.calls.is_empty() && a.text.is_none() {
            self.advisor.advice = None;
        }
        match call {
            ToolCall::SuggestActivity { arm, .. } => {
                match self.ctx.activities.iter().position(|x| *x == arm) {
                    Some(i) => self.set_activity(i),
                    None => {
                        self.flash(format!("no activity {arm} here"), FlashKind::Bad);
                        vec![]
                    }
                }
            }
            ToolCall::MarkMoment { reason } => {
                self.mark_presses.push_back(None);
                self.flash("marking the suggested moment...".into(), FlashKind::Info);
                vec![Cmd::Copilot(CopilotCmd::MarkMoment {
                    at: advised_at,
                    reason,
                })]
            }
            ToolCall::ChatMessage { text } => {
                self.flash("chat line approved".into(), FlashKind::Good);
                vec![Cmd::Copilot(CopilotCmd::ApproveChat(text))]
            }
            ToolCall::TalkingPoint { .. } => vec![],
        }
    }

    pub(super) fn dismiss_advice(&mut self) -> Vec<Cmd> {
        let Some(a) = self.advisor.advice.take() else {
            return vec![];
        };
        self.flash("advice dismissed".into(), FlashKind::Info);
        // Only an activity suggestion still on screen is recorded as dismissed: dropping
        // words or a moment says nothing of an earlier suggestion.
        let suggests = a
            .calls
            .iter()
            .any(|c| matches!(c, ToolCall::SuggestActivity { .. }));
        if suggests {
            vec![Cmd::Copilot(CopilotCmd::Dismiss)]
        } else {
            vec![]
        }
    }
}
