//! The co-pilot's lines at the foot of the Activity pane: the latest advice with its age and
//! the keys that accept or dismiss it, and the budget (`advisor: 3/12 calls this hour`).
//! Nothing when the advisor is off.

use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::advisor::ToolCall;
use crate::app::{Action, App};
use crate::text_fit::{shorten, shorten_clauses};

/// `just now`, `40 s`, `3 min`, `2 h`.
pub fn age(secs: f64) -> String {
    match secs.max(0.0) as u64 {
        0..10 => "just now".into(),
        s @ 10..60 => format!("{s} s ago"),
        s @ 60..3600 => format!("{} min ago", s / 60),
        s => format!("{} h ago", s / 3600),
    }
}

/// At most `rows` lines `width` wide; the budget line is the last to go, except to advice
/// waiting for `y`: the hint bar offers to accept it, so it must show (at 60x20 the one row
/// went to the budget, and `y` accepted advice nobody could read).
pub fn lines(app: &App, th: &Theme, width: u16, rows: usize) -> Vec<Line<'static>> {
    let v = &app.advisor;
    let Some(status) = &v.status else {
        return Vec::new();
    };
    let w = width as usize;
    let mut out = Vec::new();
    if (rows >= 2 || (rows == 1 && v.offer().is_some()))
        && let (Some(a), Some(head)) = (&v.advice, v.headline())
    {
        let km = &app.ctx.keymap;
        let keys = if v.offer().is_some() {
            format!(
                " {} {}",
                km.label(Action::AcceptAdvice),
                km.label(Action::DismissAdvice)
            )
        } else {
            format!(" {}", km.label(Action::DismissAdvice))
        };
        // `try q_and_a: chat is slowing`: the reason goes whole, then the age, before the
        // activity is cut (it read `try q_and_…`). Other calls' words after the colon are
        // what they say.
        let fit = |when: &str| {
            let room = w.saturating_sub(2 + keys.chars().count() + when.chars().count());
            match v.offer() {
                Some(ToolCall::SuggestActivity { .. }) => shorten_clauses(&head, room.max(4)),
                _ => shorten(&head, room.max(4)),
            }
        };
        let mut when = format!(" ({})", age(app.now.secs_since(a.at)));
        let mut head = fit(&when);
        if head.ends_with('…') && !fit("").ends_with('…') {
            when.clear();
            head = fit("");
        }
        out.push(Line::from(vec![
            Span::styled("✦ ", th.good),
            Span::styled(head, th.text),
            Span::styled(when, th.dim),
            Span::styled(keys, th.key),
        ]));
    }
    if out.len() < rows {
        let ask = app.ctx.keymap.label(Action::AskAdvice);
        let room = w.saturating_sub(ask.chars().count() + 7).max(4);
        // Budget and note when both fit; else a note that is news (`asking…`, `waiting 30 s
        // after: …`), shortened, and otherwise the budget.
        let full = status.line();
        let text = match &status.note {
            _ if full.chars().count() <= room => full,
            Some(note) if status.note_is_news() => shorten(&format!("advisor: {note}"), room),
            _ => shorten(&status.budget, room),
        };
        out.push(Line::from(vec![
            Span::styled(text, th.dim),
            Span::styled(format!("  {ask}"), th.key),
            Span::styled(" asks", th.dim),
        ]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age(3.0), "just now");
        assert_eq!(age(42.0), "42 s ago");
        assert_eq!(age(190.0), "3 min ago");
        assert_eq!(age(7300.0), "2 h ago");
    }
}
