//! How one log event becomes rows of the log pane: `HH:MM:SS I message`, wrapped under the
//! message, but never more rows than the pane has. tui-logger's own formatter wraps without a
//! limit, so a long last line in a one-row pane showed only its tail ("d; bandit suggests
//! talk"); here it shows its start and ends with "…" (the full line is in kicktui.log).

use ratatui::style::Style;
use ratatui::text::Line;
use tui_logger::{ExtLogRecord, LogFormatter};

use super::theme::Theme;

/// Columns before the message: `HH:MM:SS I `.
const INDENT: usize = 11;

pub struct PaneFormatter {
    /// Rows inside the pane: no event takes more.
    pub rows: usize,
    pub text: Style,
    pub bad: Style,
    pub warn: Style,
    pub dim: Style,
}

impl PaneFormatter {
    pub fn new(th: &Theme, rows: usize) -> PaneFormatter {
        PaneFormatter {
            rows: rows.max(1),
            text: th.text,
            bad: th.bad,
            warn: th.warn,
            dim: th.dim,
        }
    }
}

/// `text` cut into rows: the first `width` wide, the rest `width - INDENT` wide and indented;
/// at most `rows`, the last ending in "…" when some text is left over.
pub fn wrap_rows(text: &str, width: usize, rows: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let rest_w = width.saturating_sub(INDENT).max(1);
    let mut out = Vec::new();
    let mut at = 0;
    while at < chars.len() && out.len() < rows {
        let (pad, w) = if out.is_empty() {
            (0, width.max(1))
        } else {
            (INDENT.min(width.saturating_sub(1)), rest_w)
        };
        let mut end = (at + w).min(chars.len());
        let last = out.len() + 1 == rows;
        let mut row: String = " ".repeat(pad);
        if last && end < chars.len() {
            row.extend(&chars[at..end - 1]);
            row.push('…');
        } else {
            // Break after the last space in the row's second half (past the time and level),
            // so words stay whole.
            let from = (at + w / 2).max(INDENT + 1).min(end);
            if end < chars.len()
                && let Some(sp) = chars[from..end].iter().rposition(|c| *c == ' ')
            {
                end = from + sp + 1;
            }
            row.extend(&chars[at..end]);
        }
        out.push(row.trim_end().to_string());
        at = end;
    }
    out
}

impl LogFormatter for PaneFormatter {
    fn min_width(&self) -> u16 {
        INDENT as u16 + 4
    }

    fn format(&self, width: usize, evt: &ExtLogRecord) -> Vec<Line<'_>> {
        let (abbr, style) = match evt.level.as_str() {
            "ERROR" => ("E", self.bad),
            "WARN" => ("W", self.warn),
            "INFO" => ("I", self.text),
            _ => ("D", self.dim),
        };
        // A multi-line message (a report) reads as its first line here.
        let mut lines = evt.msg().lines().filter(|l| !l.trim().is_empty());
        let first = lines.next().unwrap_or("").trim_start();
        let more = if lines.next().is_some() { " …" } else { "" };
        let text = format!(
            "{} {abbr} {first}{more}",
            evt.timestamp.strftime("%H:%M:%S")
        );
        wrap_rows(&text, width, self.rows)
            .into_iter()
            .map(|r| Line::styled(r, style))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_in_a_one_row_pane_shows_its_start() {
        let line = "12:00:00 I activity started: talk (set by hand; bandit suggests talk";
        assert_eq!(wrap_rows(line, 30, 1), ["12:00:00 I activity started: …"]);
    }

    #[test]
    fn wraps_whole_words_under_the_message_up_to_the_pane_height() {
        let line = "12:00:00 I aaaaaaaaaa bbbbbbbbbb cccccccccc";
        assert_eq!(
            wrap_rows(line, 25, 5),
            [
                "12:00:00 I aaaaaaaaaa",
                "           bbbbbbbbbb",
                "           cccccccccc"
            ]
        );
        assert_eq!(
            wrap_rows(line, 25, 2),
            ["12:00:00 I aaaaaaaaaa", "           bbbbbbbbbb cc…"]
        );
        // A word longer than the row is cut where the row ends.
        assert_eq!(
            wrap_rows("12:00:00 I xxxxxxxxxxxxxxxxxxxx", 20, 3),
            [
                "12:00:00 I xxxxxxxxx",
                "           xxxxxxxxx",
                "           xx"
            ]
        );
        assert_eq!(wrap_rows("short", 25, 3), ["short"]);
    }
}
