//! Top emotes: what chat has been spamming in the last minutes, the current one marked.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::text::shorten;
use super::theme::Theme;
use crate::app::App;

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
    let lines: Vec<Line> = app
        .emotes
        .seen
        .iter()
        .take(inner.height as usize)
        .map(|e| {
            let count = format!(" {}", e.peak);
            let name_w = w.saturating_sub(count.len() + 2);
            let (mark, style) = if e.now > 0 {
                ("▶ ", th.accent)
            } else {
                ("  ", th.text)
            };
            Line::from(vec![
                Span::styled(mark, style),
                Span::styled(format!("{:<name_w$}", shorten(&e.name, name_w)), style),
                Span::styled(count, th.dim),
            ])
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}
