//! Recording health: state, file, size and growth. Says "not recording" plainly until a
//! recorder reports.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::text::{bytes, shorten_left};
use super::theme::Theme;
use crate::app::{App, RecState};

pub fn render(app: &App, th: &Theme, area: Rect, buf: &mut Buffer) {
    let block = Block::bordered().title(Span::styled(" Recording ", th.title));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    let r = &app.recording;
    let state_style = match &r.state {
        RecState::Recording if r.slow => th.warn,
        RecState::Recording => th.good,
        RecState::Stalled | RecState::Failed(_) => th.bad,
        _ => th.dim,
    };
    let mut lines = vec![Line::from(Span::styled(r.state.label(), state_style))];
    if r.state == RecState::Unavailable {
        lines.push(Line::from(Span::styled("clips need a recording", th.dim)));
    }
    if let Some(f) = &r.file {
        let w = inner.width as usize;
        lines.push(Line::from(Span::styled(shorten_left(f, w), th.text)));
    }
    if r.state != RecState::Unavailable {
        let rate = r
            .mb_per_min
            .map_or("- MB/min".to_string(), |m| format!("{m:.1} MB/min"));
        let mut spans = vec![Span::styled(
            format!("{} · {rate}", bytes(r.size_bytes)),
            th.text,
        )];
        if r.slow {
            spans.push(Span::styled(" (slow)", th.warn));
        }
        lines.push(Line::from(spans));
    }
    Paragraph::new(lines).render(inner, buf);
}
