//! Keyword counters for the current window (`[chat] window_seconds`, named in the title),
//! busiest first.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::theme::Theme;
use crate::app::App;
use crate::text_fit::fit;

pub fn render(app: &App, th: &Theme, area: Rect, buf: &mut Buffer) {
    // The counts are the last few seconds' (they drop to 0 right after a burst, beside the
    // emotes' recent peaks): the title says so, in short when narrow.
    let secs = app.ctx.keyword_window_s;
    let room = usize::from(area.width.saturating_sub(2));
    let window = [format!("· last {secs} s "), format!("{secs} s ")]
        .into_iter()
        .find(|w| " Keywords ".len() + w.chars().count() <= room)
        .unwrap_or_default();
    let block = Block::bordered().title(Line::from(vec![
        Span::styled(" Keywords ", th.title),
        Span::styled(window, th.dim),
    ]));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    let Some(snap) = &app.snapshot else {
        Paragraph::new(Span::styled("no chat yet", th.dim)).render(inner, buf);
        return;
    };
    if snap.keywords.is_empty() {
        Paragraph::new(Span::styled("none configured", th.dim)).render(inner, buf);
        return;
    }
    let mut rows: Vec<(&str, usize)> = snap
        .keywords
        .iter()
        .map(|(k, n)| (k.as_str(), *n))
        .collect();
    // Stable: equal counts keep config order.
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    let w = inner.width as usize;
    let lines: Vec<Line> = rows
        .into_iter()
        .take(inner.height as usize)
        .map(|(k, n)| {
            let count = n.to_string();
            let name_w = w.saturating_sub(count.len() + 1);
            let style = if n > 0 { th.text } else { th.dim };
            Line::from(vec![
                Span::styled(fit(k, name_w), style),
                Span::styled(format!(" {count}"), if n > 0 { th.accent } else { th.dim }),
            ])
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}
