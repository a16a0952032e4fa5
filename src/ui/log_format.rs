//! How one log event becomes rows of the log pane: `HH:MM:SS I message`, wrapped under the
//! message, but never more rows than the pane has. tui-logger's own formatter wraps without a
//! limit, so a long last line in a one-row pane showed only its tail ("d; bandit suggests
//! talk"); here it shows its start and ends with "…" (the full line is in kicktui.log).

use ratatui::style::Style;
use ratatui::text::Line;
use tui_logger::{ExtLogRecord, LogFormatter};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

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
/// at most `rows`, the last ending in "…" when some text is left over. Widths are terminal
/// columns (a CJK character or an emoji takes two), cut between graphemes.
pub fn wrap_rows(text: &str, width: usize, rows: usize) -> Vec<String> {
    let gs: Vec<(&str, usize)> = text.graphemes(true).map(|g| (g, g.width())).collect();
    let rest_w = width.saturating_sub(INDENT).max(1);
    let mut out = Vec::new();
    let mut at = 0;
    while at < gs.len() && out.len() < rows {
        let (pad, w) = if out.is_empty() {
            (0, width.max(1))
        } else {
            (INDENT.min(width.saturating_sub(1)), rest_w)
        };
        // The graphemes from `at` that fit in `w` columns (one at least, however wide).
        let mut end = at;
        let mut used = 0;
        while end < gs.len() && (end == at || used + gs[end].1 <= w) {
            used += gs[end].1;
            end += 1;
        }
        let last = out.len() + 1 == rows;
        let mut row: String = " ".repeat(pad);
        if last && end < gs.len() {
            // Room for the "…".
            while end > at + 1 && used + 1 > w {
                end -= 1;
                used -= gs[end].1;
            }
            row.extend(gs[at..end].iter().map(|g| g.0));
            row.push('…');
        } else {
            // Break after the last space in the row's second half (past the time and level),
            // so words stay whole.
            let mut half = at;
            let mut cols = 0;
            while half < end && cols < w / 2 {
                cols += gs[half].1;
                half += 1;
            }
            let from = half.max(INDENT + 1).min(end);
            if end < gs.len()
                && let Some(sp) = gs[from..end].iter().rposition(|g| g.0 == " ")
            {
                end = from + sp + 1;
            }
            row.extend(gs[at..end].iter().map(|g| g.0));
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
        wrap_rows(&crate::terminal_text::for_tui(&text), width, self.rows)
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

    /// A Japanese title takes two columns a character: rows are cut by columns, so nothing
    /// runs past the pane's edge (where it was lost without a "…").
    #[test]
    fn wide_characters_are_cut_by_columns() {
        let line = "12:00:00 I Stream is LIVE! 【APEX】ランクマッチ配信！初見さん歓迎";
        let rows = wrap_rows(line, 30, 3);
        for r in &rows {
            assert!(r.width() <= 30, "{r:?} is {} columns", r.width());
        }
        assert_eq!(
            rows,
            [
                "12:00:00 I Stream is LIVE!",
                "           【APEX】ランクマッ",
                "           チ配信！初見さん歓…"
            ]
        );
        // 👍🏽 is one grapheme, never split from its skin tone.
        assert_eq!(wrap_rows("👍🏽👍🏽👍🏽", 5, 1), ["👍🏽👍🏽…"]);
    }
}
