//! What one call sends, built from the engine's [`View`]: the context line, the last moments
//! (type, score, time), the activities with their posterior means, the current activity and the
//! streamer's recent choices. Chat text only when the caller passes lines (it does so only with
//! `[general] store_chat_text` on). Pure: time is an argument.

use serde_json::{Value, json};

use super::provider::Prompt;
use super::tools::tool_specs;
use crate::domain::Ts;
use crate::engine::view::View;

/// Moments sent per call (the newest).
pub const INPUT_MOMENTS: usize = 8;
/// Choices sent per call (the newest).
pub const INPUT_CHOICES: usize = 8;

/// An activity the streamer switched to.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub at: Ts,
    pub activity: String,
}

const SYSTEM: &str = "You are the co-pilot of a live streamer. Every few minutes you get the \
stream's state as JSON. Advise only through the tools: at most one suggest_activity (one of \
the listed activities), a talking_point, mark_moment when something clip-worthy just happened. \
The streamer decides; be brief and concrete. Say nothing when there is nothing useful to say.";

/// The prompt for one call and the same input as JSON (what the `advice` row keeps).
pub fn build(
    view: &View,
    choices: &[Choice],
    chat_lines: &[String],
    chat_voice: bool,
    now: Ts,
) -> (Prompt, Value) {
    let e = &view.snapshot.engage;
    let arms: Vec<String> = e.arms.iter().map(|a| a.name.clone()).collect();
    let ago = |t: Ts| (now.secs_since(t).max(0.0)).round() as i64;
    let moments: Vec<Value> = view
        .moments
        .iter()
        .rev()
        .take(INPUT_MOMENTS)
        .map(|r| {
            json!({
                "type": r.moment.trigger_type.as_str(),
                "score": (r.moment.score * 10.0).round() / 10.0,
                "seconds_ago": ago(r.moment.at),
            })
        })
        .collect();
    let arm_rows: Vec<Value> = e
        .arms
        .iter()
        .map(|a| {
            json!({"name": a.name, "posterior_mean": round3(a.mean),
                   "interval_90": [round3(a.low), round3(a.high)], "times_chosen": a.pulls})
        })
        .collect();
    let recent: Vec<Value> = choices
        .iter()
        .rev()
        .take(INPUT_CHOICES)
        .map(|c| json!({"activity": c.activity, "seconds_ago": ago(c.at)}))
        .collect();
    let mut input = json!({
        "context": view.snapshot.engage.context,
        "live": view.snapshot.live,
        "uptime_seconds": view.snapshot.uptime_s.map(|s| s.round() as i64),
        "viewers": view.snapshot.viewers,
        "current_activity": e.activity,
        "bandit_suggestion": e.suggestion,
        "engagement": e.engagement.map(round3),
        "activities": arm_rows,
        "recent_moments": moments,
        "recent_choices": recent,
    });
    if !chat_lines.is_empty() {
        input["recent_chat"] = json!(chat_lines);
    }
    let prompt = Prompt {
        system: SYSTEM.into(),
        user: format!("Stream state:\n{input}"),
        tools: tool_specs(&arms, chat_voice),
    };
    (prompt, input)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Moment, MomentSource, TriggerType};
    use crate::engine::view::{ArmView, MomentRow};

    pub(crate) fn view() -> View {
        let mut v = View::default();
        let e = &mut v.snapshot.engage;
        e.activity = Some("talk".into());
        e.suggestion = Some("gameplay".into());
        e.context = Some("Stream state: 42 viewers, chat velocity 12.5 msg/min".into());
        e.arms = vec![
            ArmView {
                name: "talk".into(),
                mean: 0.41234,
                low: 0.3,
                high: 0.5,
                pulls: 3,
            },
            ArmView {
                name: "gameplay".into(),
                mean: 0.6,
                low: 0.4,
                high: 0.8,
                pulls: 1,
            },
        ];
        v.moments.push_back(MomentRow {
            id: Some(1),
            clip: None,
            building: false,
            moment: Moment {
                at: Ts(1_000_000),
                offset_s: 10.0,
                trigger_type: TriggerType::Keyword,
                triggers: vec![],
                score: 79.43,
                source: MomentSource::Auto,
                clip_start: Ts(0),
                clip_end: Ts(0),
            },
        });
        v
    }

    #[test]
    fn the_input_holds_the_state_and_no_chat_text() {
        let choices = [Choice {
            at: Ts(1_030_000),
            activity: "talk".into(),
        }];
        let (p, input) = build(&view(), &choices, &[], false, Ts(1_060_000));
        assert_eq!(
            input["context"],
            "Stream state: 42 viewers, chat velocity 12.5 msg/min"
        );
        assert_eq!(input["activities"][0]["posterior_mean"], 0.412);
        assert_eq!(input["recent_moments"][0]["type"], "keyword");
        assert_eq!(input["recent_moments"][0]["seconds_ago"], 60);
        assert_eq!(input["recent_choices"][0]["seconds_ago"], 30);
        assert!(input.get("recent_chat").is_none());
        assert!(p.user.contains("bandit_suggestion"));
        assert_eq!(
            p.tools[0].schema["properties"]["arm"]["enum"][1],
            "gameplay"
        );
    }

    #[test]
    fn chat_lines_go_only_when_given() {
        let (p, input) = build(&view(), &[], &["hello".into()], false, Ts(1_000_000));
        assert_eq!(input["recent_chat"][0], "hello");
        assert!(p.user.contains("hello"));
    }
}
