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
    let block = Block::bordered().title(Span::styled(" Activity ", th.title));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    let current = app.activity_name();
    let mut head = vec![
        Span::styled("now: ", th.dim),
        Span::styled(current.unwrap_or("-").to_string(), th.accent),
    ];
    if let Some(s) = &app.bandit.suggestion {
        head.push(Span::styled("  try: ", th.dim));
        head.push(Span::styled(s.clone(), th.good));
    }
    let mut lines = vec![Line::from(head)];
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
        lines.push(Line::from(spans));
        let key = app.ctx.keymap.label(Action::NextActivity);
        lines.push(Line::from(Span::styled(
            format!("no bandit data yet; {key} cycles"),
            th.dim,
        )));
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .render(inner, buf);
        return;
    }
    let mut arms: Vec<_> = app.bandit.arms.iter().collect();
    arms.sort_by(|a, b| b.mean.total_cmp(&a.mean));
    let name_w = (inner.width as usize).saturating_sub(26).clamp(4, 12);
    for arm in arms {
        let style = if Some(arm.name.as_str()) == current {
            th.accent
        } else {
            th.text
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{:<name_w$}", shorten(&arm.name, name_w)), style),
            Span::styled(format!(" {:.2}", arm.mean), th.text),
            Span::styled(format!(" [{:.2}-{:.2}]", arm.low, arm.high), th.dim),
            Span::styled(format!(" {:>4}×", arm.pulls), th.dim),
        ]));
    }
    Paragraph::new(lines).render(inner, buf);
}
