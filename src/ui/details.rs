//! The selected moment in full: when, where in the stream, score, clip window, and every
//! trigger in words with its details.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use super::layout::popup;
use super::moments::clock;
use super::theme::Theme;
use crate::app::{App, ClipStatus, Storage};
use crate::present::{trigger_details, trigger_summary, trigger_words};
use crate::time::{format_hms, format_offset_words};

/// Lines before the triggers: headline, summary, a gap, seven fields, a gap, the heading.
const FULL_ROWS: usize = 13;
/// Where a trigger's words start: after its kind and strength.
const TRIGGER_INDENT: usize = 23;

pub fn render(app: &App, th: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(e) = app.moments.selected_entry() else {
        return;
    };
    let m = &e.moment;
    let field = |name: &str, value: String| {
        Line::from(vec![
            Span::styled(format!(" {name:<9}"), th.dim),
            Span::styled(value, th.text),
        ])
    };
    let stored = match (e.id, app.ctx.storage) {
        (Some(id), _) => format!("row #{id}"),
        (None, Storage::Preview) => "preview: not saved".into(),
        (None, Storage::Database) => "NOT SAVED (the database refused it; see the log)".into(),
    };
    let clip = match &e.clip {
        ClipStatus::Done { path } => format!("clipped: {path}"),
        ClipStatus::Failed { why } => format!("failed: {why}"),
        other => other.label().to_string(),
    };
    // On a short terminal the spacing, the fields said elsewhere and the triggers' second lines
    // give way, so every trigger keeps its line.
    let trigger_rows: usize = m
        .triggers
        .iter()
        .map(|t| 1 + usize::from(!trigger_details(&t.data).is_empty()))
        .sum();
    let compact = FULL_ROWS + trigger_rows + 2 > usize::from(area.height.saturating_sub(2));
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                " {} at {}",
                m.trigger_type.headline(),
                format_offset_words(m.offset_s)
            ),
            th.accent,
        )),
        Line::from(Span::styled(format!(" {}", trigger_summary(m)), th.text)),
        Line::from(""),
        field("time", format!("{} ({})", clock(m.at), m.at.to_rfc3339())),
        field("offset", format_hms(m.offset_s)),
        field("score", format!("{:.1}", m.score)),
        field("source", m.source.as_str().to_string()),
        field(
            "window",
            format!(
                "{} to {} of the stream",
                format_hms(m.offset_s + m.clip_start.secs_since(m.at)),
                format_hms(m.offset_s + m.clip_end.secs_since(m.at)),
            ),
        ),
        field("stored", stored),
        field("clip", clip),
        Line::from(""),
        Line::from(Span::styled(
            format!(" Triggers ({})", m.triggers.len()),
            th.title,
        )),
    ];
    if compact {
        let said_elsewhere = [" time", " offset", " source"];
        lines.retain(|l| {
            let first = l.spans.first().map_or("", |s| s.content.as_ref());
            l.width() > 0 && !said_elsewhere.iter().any(|f| first.starts_with(f))
        });
    }
    let w = area.width.saturating_sub(4).min(100);
    // Trigger text is wrapped here, under its own column, so the rows can be counted.
    let text_w = usize::from(w.saturating_sub(2)).saturating_sub(TRIGGER_INDENT);
    for t in &m.triggers {
        let words = under_column(&trigger_words(t.kind, &t.data), text_w);
        for (i, row) in words.into_iter().enumerate() {
            let lead = if i == 0 {
                vec![
                    Span::styled(format!("  {:<14}", t.kind.as_str()), th.accent),
                    Span::styled(format!("x{:<5.1} ", t.strength), th.dim),
                ]
            } else {
                vec![Span::raw(" ".repeat(TRIGGER_INDENT))]
            };
            lines.push(Line::from(
                lead.into_iter()
                    .chain([Span::styled(row, th.text)])
                    .collect::<Vec<_>>(),
            ));
        }
        let details = trigger_details(&t.data);
        if !details.is_empty() && !compact {
            for row in under_column(&details, text_w) {
                lines.push(Line::from(Span::styled(
                    format!("{:TRIGGER_INDENT$}{row}", ""),
                    th.dim,
                )));
            }
        }
    }
    let room = usize::from(area.height.saturating_sub(4));
    if lines.len() > room && room > 0 {
        let hidden = lines.len() - room + 1;
        lines.truncate(room - 1);
        lines.push(Line::from(Span::styled(
            format!(" … {hidden} more lines: a taller terminal shows them"),
            th.dim,
        )));
    }
    let h = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    let r = popup(area, w, h);
    Clear.render(r, buf);
    let close = app.ctx.keymap.label(crate::app::Action::Back);
    Paragraph::new(lines)
        .block(
            Block::bordered()
                .title(Span::styled(" Moment ", th.title))
                .title_bottom(
                    Line::from(Span::styled(
                        format!(" {close} closes · j/k browse "),
                        th.dim,
                    ))
                    .right_aligned(),
                ),
        )
        .render(r, buf);
}

/// `text` in rows of at most `width` characters, broken between words where it can be.
fn under_column(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut rows = Vec::new();
    let mut row = String::new();
    for word in text.split(' ') {
        let (row_len, word_len) = (row.chars().count(), word.chars().count());
        if row_len > 0 && row_len + 1 + word_len > width {
            rows.push(std::mem::take(&mut row));
        }
        if !row.is_empty() {
            row.push(' ');
        }
        row.push_str(word);
        // A word longer than a row is cut where the row ends.
        while row.chars().count() > width {
            let cut: String = row.chars().take(width).collect();
            row = row.chars().skip(width).collect();
            rows.push(cut);
        }
    }
    if !row.is_empty() || rows.is_empty() {
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::under_column;

    #[test]
    fn rows_break_between_words_and_cut_only_what_cannot_fit() {
        assert_eq!(
            under_column("\"CLIP\" (5x), \"NO WAY\" (3x), \"mods\" (13x)", 20),
            vec!["\"CLIP\" (5x), \"NO", "WAY\" (3x), \"mods\"", "(13x)"]
        );
        assert_eq!(under_column("", 20), vec![""]);
        assert_eq!(
            under_column("abcdefghijklmnop", 8),
            vec!["abcdefgh", "ijklmnop"]
        );
    }
}
