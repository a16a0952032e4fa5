//! Activities: the current one (▶), the bandit's suggestion (»), and per arm its key, posterior
//! mean, 90 % interval as a bar (━ the interval, ● the mean, on a 0–1 scale) and pulls. The
//! footer shows the engagement score and money per hour. When there are more arms than rows,
//! the current and suggested ones come first, then the best.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::theme::Theme;
use crate::app::{Action, App, BanditArm};
use crate::engage::context::dollars_per_hour;
use crate::text_fit::{Piece, fit, keep_by_rank};
use unicode_width::UnicodeWidthStr;

/// Cells for a value in 0..=1 on a bar `w` wide.
fn cell(v: f64, w: usize) -> usize {
    ((v.clamp(0.0, 1.0) * (w.saturating_sub(1)) as f64).round() as usize).min(w.saturating_sub(1))
}

/// `··━━━●━━···`: the interval and the mean on a 0–1 scale.
pub fn interval_bar(arm: &BanditArm, w: usize) -> (String, String, String) {
    let (lo, hi, m) = (cell(arm.low, w), cell(arm.high, w), cell(arm.mean, w));
    let mut before = String::new();
    let mut mid = String::new();
    let mut after = String::new();
    for i in 0..w {
        let c = if i == m {
            '●'
        } else if (lo..=hi).contains(&i) {
            '━'
        } else {
            '·'
        };
        if i < lo {
            before.push(c);
        } else if i <= hi {
            mid.push(c);
        } else {
            after.push(c);
        }
    }
    (before, mid, after)
}

/// The engagement score, then money per hour, in `room` columns: what does not fit is left out
/// whole.
fn footer(app: &App, room: u16) -> Option<Line<'static>> {
    let b = &app.bandit;
    let mut parts = Vec::new();
    if let Some(e) = b.engagement {
        parts.push(format!("engagement {e:.0}/100"));
    }
    if let Some(r) = b.revenue_per_hour.filter(|r| *r > 0.0) {
        parts.push(dollars_per_hour(r));
    }
    let sizes: Vec<Piece> = parts
        .iter()
        .enumerate()
        .map(|(rank, p)| Piece {
            rank: rank as u8,
            full: p.width(),
            short: None,
        })
        .collect();
    // Two columns for the spaces around the whole.
    let shown = keep_by_rank(&sizes, 3, usize::from(room).saturating_sub(2));
    let parts: Vec<String> = parts
        .into_iter()
        .zip(shown)
        .filter_map(|(p, s)| s.map(|_| p))
        .collect();
    (!parts.is_empty()).then(|| Line::from(format!(" {} ", parts.join(" · "))))
}

/// ` Activity talk · try irl `: the pane, the current activity and the bandit's suggestion, in
/// `room` columns; left out whole when they do not fit, the suggestion first.
fn title(app: &App, th: &Theme, room: u16) -> Line<'static> {
    let room = usize::from(room);
    let head = " Activity ";
    let mut used = head.width();
    let mut spans = vec![Span::styled(head, th.title)];
    let current = app.activity_name();
    let shown = current
        .map(|c| format!("{c} "))
        .filter(|c| used + c.width() <= room);
    if let Some(c) = shown.clone() {
        used += c.width();
        spans.push(Span::styled(c, th.accent));
    }
    match &app.bandit.suggestion {
        // The bandit's draw is the activity already on: nothing to switch to.
        Some(s) if current == Some(s.as_str()) => {
            let keep = "· keep it ";
            if shown.is_some() && used + keep.width() <= room {
                spans.push(Span::styled(keep, th.dim));
            }
        }
        Some(s) => {
            // The dot separates the suggestion from the activity: none without one.
            let try_ = if shown.is_some() { "· try " } else { "try " };
            let name = format!("{s} ");
            if used + try_.width() + name.width() <= room {
                spans.push(Span::styled(try_, th.dim));
                spans.push(Span::styled(name, th.good));
            }
        }
        None => {}
    }
    Line::from(spans)
}

pub fn render(app: &App, th: &Theme, area: Rect, buf: &mut Buffer) {
    let current = app.activity_name();
    let mut block = Block::bordered().title(title(app, th, area.width.saturating_sub(2)));
    if let Some(f) = footer(app, area.width.saturating_sub(2)) {
        block = block.title_bottom(f.style(th.dim).right_aligned());
    }
    let mut inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    // The co-pilot's lines at the foot; at least one row stays for the arms.
    let copilot = super::advisor::lines(app, th, inner.width, inner.height as usize - 1);
    if !copilot.is_empty() {
        let n = copilot.len() as u16;
        inner.height -= n;
        let foot = Rect::new(inner.x, inner.y + inner.height, inner.width, n);
        Paragraph::new(copilot).render(foot, buf);
    }
    if app.bandit.arms.is_empty() {
        // Rows filled here, a key and its name never apart (the wrap left `4` on one row and
        // `react` on the next).
        let width = usize::from(inner.width);
        let mut lines: Vec<Line> = vec![Line::default()];
        for (i, name) in app.ctx.activities.iter().enumerate().take(9) {
            let style = if Some(name.as_str()) == current {
                th.selected
            } else {
                th.text
            };
            let key = pick_key(app, i);
            let item_w = key.width() + 1 + name.width();
            let fits = lines
                .last()
                .is_some_and(|l| l.width() == 0 || l.width() + 2 + item_w <= width);
            if !fits {
                lines.push(Line::default());
            }
            let Some(row) = lines.last_mut() else { break };
            if row.width() > 0 {
                row.push_span(Span::raw("  "));
            }
            row.push_span(Span::styled(key, th.key));
            row.push_span(Span::styled(format!(" {name}"), style));
        }
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
    let suggestion = app.bandit.suggestion.as_deref();
    let mut arms: Vec<(usize, &BanditArm)> = app.bandit.arms.iter().enumerate().collect();
    let rows = inner.height as usize;
    if arms.len() > rows {
        // Current, then suggested, then the best: what the streamer needs to see first.
        let rank = |a: &BanditArm| {
            if Some(a.name.as_str()) == current {
                0
            } else if Some(a.name.as_str()) == suggestion {
                1
            } else {
                2
            }
        };
        arms.sort_by(|a, b| {
            rank(a.1)
                .cmp(&rank(b.1))
                .then(b.1.mean.total_cmp(&a.1.mean))
        });
        arms.truncate(rows);
        arms.sort_by_key(|a| a.0);
    }
    let width = inner.width as usize;
    let longest = app
        .bandit
        .arms
        .iter()
        .map(|a| unicode_width::UnicodeWidthStr::width(a.name.as_str()))
        .max()
        .unwrap_or(4);
    // Names are at most 24 characters: shown whole when the pane has room for the bar too.
    let name_w = longest.clamp(4, 24).min(width.saturating_sub(20).max(4));
    let key_w = arms
        .iter()
        .map(|(i, _)| pick_key(app, *i).chars().count())
        .max()
        .unwrap_or(1)
        .max(1);
    // mark(1) key space name space mean(4) space bar space pulls(4)
    let bar_w = width.saturating_sub(name_w + 13 + key_w).max(3);
    let lines: Vec<Line> = arms
        .into_iter()
        .map(|(i, arm)| {
            let is_current = Some(arm.name.as_str()) == current;
            let is_suggested = Some(arm.name.as_str()) == suggestion;
            let (mark, style) = match (is_current, is_suggested) {
                (true, _) => ("▶", th.accent),
                (false, true) => ("»", th.good),
                _ => (" ", th.text),
            };
            let (before, mid, after) = interval_bar(arm, bar_w);
            let key = format!("{:<key_w$}", pick_key(app, i));
            Line::from(vec![
                Span::styled(mark, style),
                Span::styled(key, th.key),
                Span::styled(format!(" {}", fit(&arm.name, name_w)), style),
                Span::styled(format!(" {:.2} ", arm.mean), th.text),
                Span::styled(before, th.dim),
                Span::styled(mid, if is_current { th.accent } else { th.bar }),
                Span::styled(after, th.dim),
                Span::styled(format!(" {:>3}×", arm.pulls.min(999)), th.dim),
            ])
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}

/// The key that picks activity `i`: `[keys] pick_activity` binds one per activity, in order
/// (blank past the last).
fn pick_key(app: &App, i: usize) -> String {
    app.ctx
        .keymap
        .keys(Action::PickActivity)
        .get(i)
        .map(ToString::to_string)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_draws_the_interval_and_the_mean() {
        let arm = BanditArm {
            name: "talk".into(),
            mean: 0.5,
            low: 0.25,
            high: 0.75,
            pulls: 3,
        };
        let (a, b, c) = interval_bar(&arm, 9);
        assert_eq!(format!("{a}{b}{c}"), "··━━●━━··");
        assert_eq!((a.chars().count(), c.chars().count()), (2, 2));
    }
}
