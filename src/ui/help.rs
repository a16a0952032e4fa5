//! The hint bar and the `?` help popup, both generated from the keymap table.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use super::layout::popup;
use super::theme::Theme;
use crate::app::App;
use crate::app::keymap::Action;
use crate::app::state::FlashKind;

/// A flash message (if any) first, then as many key hints as fit.
pub fn hint_bar(app: &App, th: &Theme, area: Rect, buf: &mut Buffer) {
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0usize;
    let width = area.width as usize;
    if let Some(f) = &app.flash {
        let style = match f.kind {
            FlashKind::Info => th.accent,
            FlashKind::Good => th.good,
            FlashKind::Bad => th.bad,
        };
        let text = format!("{} ", f.text);
        used += Span::raw(text.as_str()).width();
        spans.push(Span::styled(text, style));
    }
    for (action, key, label) in app.ctx.keymap.hints() {
        // Accepting is only a hint while there is something to accept.
        if action == Action::AcceptAdvice && app.advisor.offer().is_none() {
            continue;
        }
        let w = key.chars().count() + label.len() + 3;
        if used + w > width {
            break;
        }
        used += w;
        spans.push(Span::raw(" "));
        spans.push(Span::styled(key, th.key.patch(th.selected)));
        spans.push(Span::styled(format!(" {label} "), th.dim));
    }
    Line::from(spans).render(area, buf);
}

/// The keys, scrolled when they do not fit; the bottom edge says how to see the rest.
pub fn help_popup(app: &App, th: &Theme, area: Rect, buf: &mut Buffer) {
    let rows = app.help_rows();
    let key_w = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(4);
    let text_w = rows.iter().map(|r| r.1.len()).max().unwrap_or(10);
    let mut lines: Vec<Line> = rows
        .into_iter()
        .map(|(k, help)| {
            Line::from(vec![
                Span::styled(format!(" {k:>key_w$} "), th.key),
                Span::styled(format!(" {help}"), th.text),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        " Keys can be changed in config.toml, section [keys].",
        th.dim,
    )));
    let w = (key_w + text_w + 6).max(56) as u16;
    let h = lines.len() as u16 + 2;
    let r = popup(area, w, h);
    Clear.render(r, buf);
    let max = app.help_max_scroll(area.height);
    let scroll = app.help_scroll.min(max);
    let km = &app.ctx.keymap;
    let close = km.label(Action::Back);
    let bottom = if max == 0 {
        format!(" {close} closes ")
    } else {
        let key = |a| {
            km.first(a)
                .map_or_else(|| "(unbound)".into(), |k| k.to_string())
        };
        let at = if scroll == max { "end" } else { "more below" };
        format!(
            " {at} · {}/{} scroll · {close} closes ",
            key(Action::Down),
            key(Action::Up)
        )
    };
    Paragraph::new(lines)
        .scroll((scroll as u16, 0))
        .block(
            Block::bordered()
                .title(Span::styled(" Keys ", th.title))
                .title_bottom(Line::from(Span::styled(bottom, th.dim)).right_aligned()),
        )
        .render(r, buf);
}
