//! How advice reads in the front ends (the TUI's Activity pane, the headless printer), and
//! which of its calls the streamer can accept with a key. Pure.

use super::api::Advice;
use super::tools::ToolCall;

/// One tool call as a short line: `try react: chat is slowing`.
pub fn call_line(c: &ToolCall) -> String {
    match c {
        ToolCall::SuggestActivity { arm, reason } => format!("try {arm}: {reason}"),
        ToolCall::TalkingPoint { text } => format!("talking point: {text}"),
        ToolCall::MarkMoment { reason } => format!("mark a moment: {reason}"),
        ToolCall::ChatMessage { text } => format!("say in chat: {text}"),
    }
}

/// A call the accept key acts on: an activity (set it), a moment (mark it), a chat line
/// (approve it for the chat voice). Talking points are only read.
pub fn actionable(c: &ToolCall) -> bool {
    !matches!(c, ToolCall::TalkingPoint { .. })
}

/// The headless printer's lines: one per call, then the model's own words.
pub fn lines(a: &Advice) -> Vec<String> {
    let mut out: Vec<String> = a
        .calls
        .iter()
        .map(|c| format!("Advisor: {}", call_line(c)))
        .collect();
    if let Some(t) = &a.text {
        out.push(format!("Advisor says: {t}"));
    }
    if out.is_empty() {
        out.push("Advisor: nothing to suggest right now".into());
    }
    if a.rejected > 0 {
        // Counted together: calls that failed validation and calls past the per-reply limit.
        out.push(format!(
            "Advisor: {} tool call(s) ignored (invalid, or past the limit of a reply)",
            a.rejected
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Ts;

    #[test]
    fn every_call_gets_a_line_and_only_talking_points_are_not_actionable() {
        let a = Advice {
            id: Some(1),
            at: Ts(0),
            calls: vec![
                ToolCall::SuggestActivity {
                    arm: "react".into(),
                    reason: "chat is slowing".into(),
                },
                ToolCall::TalkingPoint {
                    text: "thank the raid".into(),
                },
            ],
            text: Some("keep going".into()),
            rejected: 1,
        };
        assert_eq!(
            lines(&a),
            [
                "Advisor: try react: chat is slowing",
                "Advisor: talking point: thank the raid",
                "Advisor says: keep going",
                "Advisor: 1 tool call(s) ignored (invalid, or past the limit of a reply)",
            ]
        );
        assert!(actionable(&a.calls[0]) && !actionable(&a.calls[1]));
    }
}
