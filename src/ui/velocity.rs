//! Chat velocity: a block-character bar chart of the last minutes (no braille: it depends on
//! fonts), with the rate that would fire (or, by default, the chat-peak bar) drawn as a line
//! across it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::theme::Theme;
use crate::app::App;

/// How much chat the chart spans, whatever its width.
pub const SPAN_S: i64 = 300;
const EIGHTHS: [char; 8] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇'];

pub fn render(app: &App, th: &Theme, area: Rect, buf: &mut Buffer) {
    let last = app.history.last();
    let title = match last {
        Some(p) => Line::from(vec![
            Span::styled(" Chat ", th.title),
            Span::styled(
                format!("{:.1} msg/s ", p.rate),
                if p.is_hot() { th.bar_hot } else { th.accent },
            ),
        ]),
        None => Line::from(Span::styled(" Chat velocity ", th.title)),
    };
    // The rule's line on the right, whole or without the usual rate, only where it clears the
    // rate on the left (at 76 columns it wrote over it: `13.1 msg/peak ≥16.9`).
    let room = usize::from(area.width.saturating_sub(2)).saturating_sub(title.width() + 1);
    let mut block = Block::bordered().title(title);
    if let Some(p) = last {
        // A peak must reach the bar and then be scored by the model: "peak", not "fires".
        let forms = if p.threshold > 0.0 {
            let label = if p.peak_bar { "peak ≥" } else { "fires ≥" };
            let rule = |usual: String| {
                vec![
                    Span::styled(label, th.dim),
                    Span::styled(format!("{:.1}", p.threshold), th.threshold),
                    Span::styled(usual, th.dim),
                ]
            };
            vec![
                rule(format!(" · usual {:.1} ", p.baseline)),
                rule(" ".to_string()),
            ]
        } else {
            vec![vec![Span::styled("learning the usual rate ", th.dim)]]
        };
        if let Some(line) = forms
            .into_iter()
            .map(Line::from)
            .find(|l| l.width() <= room)
        {
            block = block.title(line.right_aligned());
        }
    }
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    let Some(p) = last else {
        Paragraph::new(Span::styled("waiting for chat...", th.dim)).render(inner, buf);
        return;
    };
    let cols = inner.width as usize;
    let secs_per_col = (SPAN_S + cols as i64 - 1) / cols as i64;
    let values = app.history.columns(cols, secs_per_col.max(1));
    let peak = values.iter().flatten().fold(0.0f64, |a, &b| a.max(b));
    let scale = (peak.max(p.threshold) * 1.15).max(1.0);
    let hot = app.history.hot_columns(cols, secs_per_col.max(1));
    draw_bars(&values, &hot, scale, p.threshold, th, inner, buf);
    let label = format!("{:.0}", scale);
    buf.set_string(inner.x, inner.y, &label, th.dim);
}

/// Bars in eighths of a cell from the bottom, hot where `hot` says; the threshold row shows
/// `┄` where no bar is.
fn draw_bars(
    values: &[Option<f64>],
    hot: &[bool],
    scale: f64,
    threshold: f64,
    th: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let h = area.height as usize;
    let total = (h * 8) as f64;
    let thr_row = (threshold.is_finite() && threshold > 0.0)
        .then(|| ((threshold / scale * h as f64).floor() as usize).min(h - 1));
    for (i, v) in values.iter().enumerate() {
        let x = area.x + i as u16;
        let units = v.map_or(0, |v| ((v / scale * total).round() as usize).min(h * 8));
        let style = if hot.get(i).copied().unwrap_or(false) {
            th.bar_hot
        } else {
            th.bar
        };
        for row in 0..h {
            // row 0 is the bottom.
            let y = area.y + (h - 1 - row) as u16;
            let filled = units.saturating_sub(row * 8).min(8);
            let cell = &mut buf[(x, y)];
            if filled > 0 {
                let ch = if filled == 8 { '█' } else { EIGHTHS[filled] };
                cell.set_char(ch).set_style(style);
            } else if thr_row == Some(row) {
                cell.set_char('┄').set_style(th.threshold);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_from_the_bottom_in_eighths() {
        let area = Rect::new(0, 0, 3, 2);
        let mut buf = Buffer::empty(area);
        let th = Theme::new(true);
        draw_bars(
            &[Some(1.0), Some(0.5), None],
            &[true, false, false],
            1.0,
            0.75,
            &th,
            area,
            &mut buf,
        );
        let rows: Vec<String> = (0..2)
            .map(|y| (0..3).map(|x| buf[(x, y)].symbol().to_string()).collect())
            .collect();
        assert_eq!(rows, vec!["█┄┄", "██ "]);
    }
}
