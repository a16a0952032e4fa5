//! The hint bar and the `?` help popup, both generated from the keymap table.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use super::layout::popup;
use super::theme::Theme;
use crate::app::App;
use crate::app::Popup;
use crate::app::keymap::{Action, InPopup, in_popup};
use crate::app::state::FlashKind;
use crate::text_fit::shorten_left;

/// A flash message (if any) first, then as many key hints as fit: the main screen's, or
/// what works in the open popup. `? help` and `q quit` (under a popup, closing it) always
/// keep their place (a long message is shortened for them).
pub fn hint_bar(app: &App, th: &Theme, area: Rect, buf: &mut Buffer) {
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0usize;
    let width = area.width as usize;
    // Accepting is only a hint while there is something to accept, scrolling while the help
    // does not fit.
    let scrolls = app.help_max_scroll(app.popup_height()) > 0;
    let hints: Vec<_> = app
        .ctx
        .keymap
        .hints(app.popup)
        .into_iter()
        .filter(|(a, _, _)| *a != Action::AcceptAdvice || app.advisor.offer().is_some())
        // Clip and details act on the selected moment: before there is one they only said so.
        .filter(|(a, _, _)| {
            app.moments.selected_entry().is_some()
                || !matches!(a, Action::Clip | Action::SkipClip | Action::Details)
        })
        .filter(|(a, _, _)| {
            app.popup != Some(Popup::Help) || scrolls || !matches!(a, Action::Up | Action::Down)
        })
        .collect();
    let hint_w = |key: &str, label: &str| key.chars().count() + label.len() + 3;
    let kept = |a: Action| match app.popup {
        None => matches!(a, Action::Help | Action::Quit),
        Some(p) => matches!(in_popup(a, p), InPopup::Closes(_)),
    };
    let mut reserved: usize = hints
        .iter()
        .filter(|(a, _, _)| kept(*a))
        .map(|(_, k, l)| hint_w(k, l))
        .sum();
    if let Some(f) = app.message() {
        let style = match f.kind {
            FlashKind::Info => th.accent,
            FlashKind::Good => th.good,
            FlashKind::Bad => th.bad,
        };
        let room = width.saturating_sub(reserved).max(width.min(20));
        let max = room.saturating_sub(1);
        let text = match f.path_at {
            Some(at) => crate::text_fit::shorten_path_end(&f.text, at, max),
            None if f.clauses => crate::text_fit::shorten_clauses(&f.text, max),
            None => crate::text_fit::shorten(&f.text, max),
        };
        let text = format!("{text} ");
        used += Span::raw(text.as_str()).width();
        spans.push(Span::styled(text, style));
    }
    for (action, key, label) in hints {
        let w = hint_w(&key, label);
        if kept(action) {
            reserved = reserved.saturating_sub(w);
        }
        if used + w + reserved > width {
            if kept(action) {
                break;
            }
            continue;
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
    let notes = app.help_notes();
    for note in &notes {
        lines.push(Line::from(Span::styled(note.as_str(), th.text)));
    }
    // The file on a line of its own, its end kept when the screen is narrow.
    let keys_note = " Keys can be changed in section [keys] of:";
    let room = usize::from(area.width).saturating_sub(7).max(20);
    let file = format!("   {}", shorten_left(&app.ctx.config_file, room));
    let notes_w = notes
        .iter()
        .map(String::as_str)
        .chain([keys_note, file.as_str()])
        .map(|n| n.chars().count() + 3)
        .max()
        .unwrap_or(0);
    lines.push(Line::from(Span::styled(keys_note, th.dim)));
    lines.push(Line::from(Span::styled(file, th.dim)));
    let w = (key_w + text_w + 6).max(notes_w).max(56) as u16;
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
        let at = if scroll == max { "end" } else { "more below" };
        let keys = km.moving_keys(Popup::Help);
        format!(" {at} · {keys} scroll · {close} closes ")
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
