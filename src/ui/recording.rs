//! Recording health: state, size and growth on the first line, then the file (or, when the
//! stream has ended, the clipping progress). Says "not recording" plainly when it is off.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::theme::Theme;
use crate::app::{App, RecState, RecordingView};
use crate::text_fit::{Piece, bytes, keep_by_rank, shorten_left};
use unicode_width::UnicodeWidthStr;

pub fn render(app: &App, th: &Theme, area: Rect, buf: &mut Buffer) {
    let r = &app.recording;
    let unwritable = matches!(r.state, RecState::Unwritable(_));
    let mut block = Block::bordered().title(Span::styled(" Recording ", th.title));
    if unwritable {
        // Disk full or no permission: the whole pane says it, not just one word.
        block = block.border_style(th.bad);
    }
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    let state_style = match &r.state {
        RecState::Recording if r.slow => th.warn,
        RecState::Recording => th.good,
        s if s.is_trouble() => th.bad,
        _ => th.dim,
    };
    let label = r.state.label();
    let mut first = vec![Span::styled(label.clone(), state_style)];
    let has_file = r.file.is_some() || r.size_bytes > 0;
    if has_file {
        first.extend(health(
            r,
            th,
            (inner.width as usize).saturating_sub(label.width()),
        ));
    }
    let mut lines = vec![Line::from(first)];
    // The short form at 60 columns, where the whole was cut to `…when the channel goes`.
    let fitting = |whole: &'static str, short| {
        Some(whole)
            .filter(|h| h.width() <= usize::from(inner.width))
            .unwrap_or(short)
    };
    let hint = match &r.state {
        RecState::Unavailable | RecState::Failed(_) => Some("clips need a recording"),
        RecState::Waiting if !has_file => Some(fitting(
            "starts when the channel goes live",
            "starts once live",
        )),
        RecState::Unwritable(_) => Some("resumes in a new part once it can write"),
        RecState::Frozen => Some(fitting(
            "a new part starts when video comes",
            "waits for video",
        )),
        RecState::Unreachable(_) => Some(fitting(
            "tries again while the channel is live",
            "tries again",
        )),
        _ => None,
    };
    if let Some(h) = hint {
        lines.push(Line::from(Span::styled(h, th.dim)));
    }
    if let Some((done, total)) = r.clipping {
        let style = if done >= total { th.good } else { th.warn };
        lines.push(Line::from(Span::styled(
            format!("clips {done}/{total} done"),
            style,
        )));
    }
    if let Some(f) = &r.file {
        let w = inner.width as usize;
        lines.push(Line::from(Span::styled(shorten_left(f, w), th.text)));
    }
    let mut p = Paragraph::new(lines);
    if matches!(
        r.state,
        RecState::Failed(_) | RecState::Unwritable(_) | RecState::Unreachable(_)
    ) {
        // The reason names the missing program, the fix or the server's answer: let it wrap.
        p = p.wrap(Wrap { trim: true });
    }
    p.render(inner, buf);
}

/// Size, growth and the disk after the state, in `room` columns: what does not fit is left
/// out whole (a warning last), never cut mid-number. A slow recording's growth outranks the
/// size, its `LOW` kept alone when the rate does not fit.
fn health(r: &RecordingView, th: &Theme, room: usize) -> Vec<Span<'static>> {
    let rate = r
        .mb_per_min
        .map_or("- MB/min".to_string(), |m| format!("{m:.1} MB/min"));
    // (rank, spans whole, spans short): each starts with its separator.
    let mut pieces: Vec<(u8, Vec<Span<'static>>, Option<Vec<Span<'static>>>)> = vec![(
        3,
        vec![Span::styled(format!(" · {}", bytes(r.size_bytes)), th.text)],
        None,
    )];
    let rate_whole = Span::styled(format!(" · {rate}"), th.text);
    if r.slow {
        pieces.push((
            2,
            vec![rate_whole, Span::styled(" LOW", th.warn)],
            Some(vec![Span::styled(" · LOW", th.warn)]),
        ));
    } else {
        pieces.push((4, vec![rate_whole], None));
    }
    // The disk filling, while recording: shown with two hours left, in red with ten minutes.
    if let Some(m) = r
        .disk_minutes
        .filter(|&m| m < 120.0 && r.state == RecState::Recording)
    {
        let style = if m < 10.0 { th.bad } else { th.warn };
        pieces.push((
            1,
            vec![Span::styled(format!(" · disk full in ~{m:.0} min"), style)],
            Some(vec![Span::styled(format!(" · disk full ~{m:.0}m"), style)]),
        ));
    }
    let width_of = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    let sizes: Vec<Piece> = pieces
        .iter()
        .map(|(rank, full, short)| Piece {
            rank: *rank,
            full: width_of(full),
            short: short.as_deref().map(width_of),
        })
        .collect();
    let shown = keep_by_rank(&sizes, 0, room);
    let mut out = Vec::new();
    for ((_, full, short), whole) in pieces.into_iter().zip(shown) {
        match (whole, short) {
            (Some(false), Some(short)) => out.extend(short),
            (Some(_), _) => out.extend(full),
            (None, _) => {}
        }
    }
    out
}
