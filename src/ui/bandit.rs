//! Activities: the current one, the bandit's suggestion, and each arm's mean, interval and
//! pulls. Until the bandit reports, it lists the activities the keys pick.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::text::shorten;
use super::theme::Theme;
use crate::app::{Action, App};

pub fn render(app: &App, th: &Theme, area: Rect, buf: &mut Buffer) {
    let current = app.activity_name();
    let mut title = vec![Span::styled(" Activity ", th.title)];
    if let Some(c) = current {
        title.push(Span::styled(format!("{c} "), th.accent));
    }
    if let Some(s) = &app.bandit.suggestion {
        title.push(Span::styled("· try ", th.dim));
        title.push(Span::styled(format!("{s} "), th.good));
    }
    let block = Block::bordered().title(Line::from(title));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    if app.bandit.arms.is_empty() {
        let mut spans = Vec::new();
        for (i, name) in app.ctx.activities.iter().enumerate().take(9) {
            let style = if Some(name.as_str()) == current {
                th.selected
            } else {
                th.text
            };
            spans.push(Span::styled(format!("{}", i + 1), th.key));
            spans.push(Span::styled(format!(" {name}"), style));
            spans.push(Span::raw("  "));
        }
        let key = app.ctx.keymap.label(Action::NextActivity);
        let lines = vec![
            Line::from(spans),
            Line::from(Span::styled(
                format!("no bandit data yet; {key} cycles"),
                th.dim,
            )),
        ];
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .render(inner, buf);
        return;
    }
    let mut arms: Vec<_> = app.bandit.arms.iter().collect();
    arms.sort_by(|a, b| b.mean.total_cmp(&a.mean));
    let name_w = (inner.width as usize).saturating_sub(26).clamp(4, 12);
    let lines: Vec<Line> = arms
        .into_iter()
        .map(|arm| {
            let (mark, style) = if Some(arm.name.as_str()) == current {
                ("▶ ", th.accent)
            } else {
                ("  ", th.text)
            };
            Line::from(vec![
                Span::styled(mark, style),
                Span::styled(format!("{:<name_w$}", shorten(&arm.name, name_w)), style),
                Span::styled(format!(" {:.2}", arm.mean), th.text),
                Span::styled(format!(" [{:.2}-{:.2}]", arm.low, arm.high), th.dim),
                Span::styled(format!(" {:>4}×", arm.pulls), th.dim),
            ])
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}
