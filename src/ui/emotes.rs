//! Top emotes: what chat has been spamming in the last minutes, the current one marked.
//! Emotes come first; phrases many chatters repeat (named in quotes by the detector) follow
//! under their own "repeated" heading, so a phrase is never mistaken for an emote.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::theme::Theme;
use crate::app::App;
use crate::text_fit::fit;

pub fn render(app: &App, th: &Theme, area: Rect, buf: &mut Buffer) {
    let block = Block::bordered().title(Span::styled(" Top emotes ", th.title));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    if app.emotes.seen.is_empty() {
        Paragraph::new(Span::styled("no emote spam", th.dim)).render(inner, buf);
        return;
    }
    let w = inner.width as usize;
    let row = |e: &crate::app::history::EmoteSeen| {
        let count = format!(" {}", e.peak);
        let name_w = w.saturating_sub(count.len() + 2);
        let (mark, style) = if e.now > 0 {
            ("▶ ", th.accent)
        } else {
            ("  ", th.text)
        };
        Line::from(vec![
            Span::styled(mark, style),
            Span::styled(
                fit(
                    &crate::terminal_text::for_tui(&crate::terminal_text::shown(&e.name)),
                    name_w,
                ),
                style,
            ),
            Span::styled(count, th.dim),
        ])
    };
    let is_phrase = |e: &&crate::app::history::EmoteSeen| e.is_phrase();
    let mut lines: Vec<Line> = app
        .emotes
        .seen
        .iter()
        .filter(|e| !is_phrase(e))
        .map(row)
        .collect();
    let phrases: Vec<Line> = app.emotes.seen.iter().filter(is_phrase).map(row).collect();
    let rows = inner.height as usize;
    if !phrases.is_empty() {
        if lines.is_empty() {
            lines.push(Line::from(Span::styled("no emote spam", th.dim)));
        }
        // Emotes first; the heading only when at least one phrase fits under it.
        if lines.len() + 2 <= rows {
            lines.push(Line::from(Span::styled("repeated:", th.dim)));
            lines.extend(phrases);
        }
    }
    lines.truncate(rows);
    Paragraph::new(lines).render(inner, buf);
}
