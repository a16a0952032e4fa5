//! The selected moment in full: when, where in the stream, score, clip window, and every
//! trigger in words with its details.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};
use unicode_width::UnicodeWidthChar;

use super::layout::popup;
use super::moments::clock;
use super::theme::Theme;
use crate::app::{App, ClipStatus, RecState, Storage};
use crate::domain::Moment;
use crate::present::{trigger_details, trigger_summary, trigger_words};
use crate::time::{format_hms, format_offset_words};

/// Where a field's value starts: after its name.
const FIELD_INDENT: usize = 10;
/// Where a trigger's words start: after its kind. Its words carry its own figure (the rate,
/// the count, the amount); the detectors' internal strength is not shown (`x1.4` meant
/// something different for each and nothing to a reader).
const TRIGGER_INDENT: usize = 17;

pub fn render(app: &App, th: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(e) = app.moments.selected_entry() else {
        return;
    };
    let stored = match (e.id, app.ctx.storage) {
        (Some(id), _) => format!("row #{id}"),
        (None, Storage::Preview) => "preview: not saved".into(),
        (None, Storage::Database) => "NOT SAVED (the database refused it; see the log)".into(),
    };
    // A clip's path after its state, kept apart to be broken at a `/`.
    let (clip, clip_path) = match &e.clip {
        ClipStatus::Done { path, .. } => {
            let how = e.clip.length_words().map(|w| format!(" ({w})"));
            (
                format!("clipped{}:", how.unwrap_or_default()),
                Some(path.as_str()),
            )
        }
        // Not asked for yet: whether the stream's end cuts it, and the key that cuts it now.
        ClipStatus::None => (not_cut(app, e.id.is_some()), None),
        ClipStatus::Failed { why } => (format!("failed: {why}"), None),
        ClipStatus::NotRecorded => (
            "not recorded: no recording covers it (offline, recording off, or missed)".into(),
            None,
        ),
        ClipStatus::Skipped => (
            "skipped (x): not cut at the stream's end; x again or c clips it".into(),
            None,
        ),
        other => (other.label().to_string(), None),
    };
    let w = area.width.saturating_sub(4).min(100);
    let text_w = usize::from(w.saturating_sub(2));
    let room = usize::from(area.height.saturating_sub(4));
    let build = |compact| {
        Rows {
            th,
            width: text_w,
            compact,
            lines: Vec::new(),
        }
        .moment(&e.moment, stored.clone(), (&clip, clip_path))
    };
    // On a short terminal the spacing, the fields said elsewhere and the triggers' second lines
    // give way, so every trigger keeps its line.
    let mut lines = build(false);
    if lines.len() > room {
        lines = build(true);
    }
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
    let km = &app.ctx.keymap;
    let close = km.label(crate::app::Action::Back);
    let browse = km.moving_keys(crate::app::Popup::Details);
    Paragraph::new(lines)
        .block(
            Block::bordered()
                .title(Span::styled(" Moment ", th.title))
                .title_bottom(
                    Line::from(Span::styled(
                        format!(" {close} closes · {browse} browse "),
                        th.dim,
                    ))
                    .right_aligned(),
                ),
        )
        .render(r, buf);
}

/// The popup's lines, wrapped here (so they can be counted) with each continuation under
/// its own column.
struct Rows<'a> {
    th: &'a Theme,
    width: usize,
    compact: bool,
    lines: Vec<Line<'a>>,
}

impl<'a> Rows<'a> {
    /// `clip`: its state, and the clip's path when there is one.
    fn moment(mut self, m: &Moment, stored: String, clip: (&str, Option<&str>)) -> Vec<Line<'a>> {
        let th = self.th;
        let headline = format!("{} at {}", m.headline(), format_offset_words(m.offset_s));
        self.wrapped(vec![], &headline, 1, th.accent);
        self.wrapped(vec![], &trigger_summary(m), 1, th.text);
        self.gap();
        if !self.compact {
            self.field("time", &format!("{} ({})", clock(m.at), m.at.to_rfc3339()));
            self.field("offset", &format_hms(m.offset_s));
        }
        self.field("score", &format!("{:.1}", m.score));
        if !self.compact {
            self.field("source", m.source.as_str());
        }
        let window = format!(
            "{} to {} of the stream",
            format_hms(m.offset_s + m.clip_start.secs_since(m.at)),
            format_hms(m.offset_s + m.clip_end.secs_since(m.at)),
        );
        self.field("window", &window);
        self.field("stored", &stored);
        match clip {
            (state, Some(path)) => self.path_field("clip", state, path),
            (state, None) => self.field("clip", state),
        }
        self.gap();
        let heading = format!("Triggers ({})", m.triggers.len());
        self.wrapped(vec![], &heading, 1, th.title);
        for t in &m.triggers {
            let lead = vec![Span::styled(
                format!("  {:<14} ", crate::domain::kind_phrase(t.kind_word())),
                th.accent,
            )];
            let words = trigger_words(t.kind, &t.data);
            self.wrapped(lead, &words, TRIGGER_INDENT, th.text);
            let details = trigger_details(&t.data);
            if !details.is_empty() && !self.compact {
                self.wrapped(vec![], &details, TRIGGER_INDENT, th.dim);
            }
        }
        self.lines
    }

    fn gap(&mut self) {
        if !self.compact {
            self.lines.push(Line::from(""));
        }
    }

    fn field(&mut self, name: &str, value: &str) {
        let lead = vec![Span::styled(format!(" {name:<9}"), self.th.dim)];
        self.wrapped(lead, value, FIELD_INDENT, self.th.text);
    }

    /// `state` then a file's path, broken after a `/` so the file name stays whole (it wrapped
    /// mid-name, `.mp4` alone on the next row).
    fn path_field(&mut self, name: &str, state: &str, path: &str) {
        let lead = vec![Span::styled(format!(" {name:<9}"), self.th.dim)];
        let state = format!("{} ", crate::terminal_text::for_tui(state));
        let path = crate::terminal_text::for_tui(path);
        let pieces = std::iter::once(state.as_str()).chain(path.split_inclusive('/'));
        let rows = packed(pieces, "", self.width.saturating_sub(FIELD_INDENT));
        self.rows(lead, rows, FIELD_INDENT, self.th.text);
    }

    /// `text` after `lead` (or `indent` spaces), continued under the same column.
    fn wrapped(&mut self, lead: Vec<Span<'a>>, text: &str, indent: usize, style: Style) {
        let text = crate::terminal_text::for_tui(text);
        let rows = under_column(&text, self.width.saturating_sub(indent));
        self.rows(lead, rows, indent, style);
    }

    /// `rows` after `lead`, the next ones after `indent` spaces.
    fn rows(&mut self, lead: Vec<Span<'a>>, rows: Vec<String>, indent: usize, style: Style) {
        let mut lead = Some(lead).filter(|l| !l.is_empty());
        for row in rows {
            let mut spans = lead
                .take()
                .unwrap_or_else(|| vec![Span::raw(" ".repeat(indent))]);
            spans.push(Span::styled(row, style));
            self.lines.push(Line::from(spans));
        }
    }
}

/// `text` in rows at most `width` terminal cells wide, broken between words where it can be.
fn under_column(text: &str, width: usize) -> Vec<String> {
    packed(text.split(' '), " ", width)
}

/// `pieces` joined by `sep` in rows at most `width` terminal cells wide, broken between
/// pieces where it can be.
fn packed<'s>(pieces: impl Iterator<Item = &'s str>, sep: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let cells = |s: &str| s.chars().map(|c| c.width().unwrap_or(0)).sum::<usize>();
    let mut rows = Vec::new();
    let mut row = String::new();
    for word in pieces {
        if !row.is_empty() && cells(&row) + cells(sep) + cells(word) > width {
            rows.push(std::mem::take(&mut row));
        }
        if !row.is_empty() {
            row.push_str(sep);
        }
        row.push_str(word);
        // A word wider than a row is cut where the row ends.
        while cells(&row) > width {
            let mut used = 0;
            let cut: String = row
                .chars()
                .take_while(|c| {
                    used += c.width().unwrap_or(0);
                    used <= width
                })
                .collect();
            row = row[cut.len()..].to_string();
            rows.push(cut);
        }
    }
    if !row.is_empty() || rows.is_empty() {
        rows.push(row);
    }
    rows
}

/// A moment's clip before anyone asked: cut with the others when the stream ends while the
/// recording runs (`c` cuts it now), else why not.
fn not_cut(app: &App, saved: bool) -> String {
    let key = app.ctx.keymap.label(crate::app::Action::Clip);
    let rec = &app.recording.state;
    if !saved {
        "none: not saved, so it cannot be clipped".into()
    } else if *rec == RecState::Unavailable {
        "none: recording is off in this run".into()
    } else if let RecState::Failed(_) = rec {
        format!("none: the recording {}", rec.label())
    } else {
        format!("not cut yet: cut when the stream ends ({key}: now)")
    }
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

    #[test]
    fn wide_characters_take_two_cells() {
        // Eight double-width characters: four a row of eight cells.
        let rows = under_column("日本語のテキスト", 8);
        assert_eq!(rows, vec!["日本語の", "テキスト"]);
    }
}
