//! The moments list: time, stream offset, type, score, clip status, stored or not; on wide
//! terminals also what fired. The model keeps the selection and scroll offset.

use chrono::Local;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Widget};

use super::theme::Theme;
use crate::app::moments::MomentEntry;
use crate::app::{Action, App, ClipStatus, Storage};
use crate::domain::{MomentSource, Ts};
use crate::present::trigger_summary;
use crate::time::format_hms;

/// Wall clock time of day, local.
pub fn clock(t: Ts) -> String {
    t.to_datetime()
        .with_timezone(&Local)
        .format("%H:%M:%S")
        .to_string()
}

pub fn render(app: &App, th: &Theme, area: Rect, buf: &mut Buffer) {
    let list = &app.moments;
    let inner = Block::bordered().inner(area);
    let rows_visible = inner.height.saturating_sub(1) as usize;
    // Rows scrolled out of view, above and below: the best moment may be one of them.
    let above = list.offset;
    let below = list.entries.len().saturating_sub(above + rows_visible);
    let mut more = String::new();
    if above > 0 {
        more.push_str(&format!("↑{above} "));
    }
    if below > 0 {
        more.push_str(&format!("↓{below} "));
    }
    let title = Line::from(vec![
        Span::styled(" Moments ", th.title),
        Span::styled(
            format!("{} · {} ", list.entries.len(), list.order.label()),
            th.dim,
        ),
        Span::styled(more, th.warn),
    ]);
    let block = Block::bordered().title(title);
    if list.entries.is_empty() {
        block.render(area, buf);
        let key = app.ctx.keymap.label(Action::Mark);
        let mut lines = vec![Line::from(Span::styled(
            format!("No moments yet. Press {key} to mark one."),
            th.dim,
        ))];
        // Chat cannot start without the ids the failing lookup gives: say why and the way
        // round it here, where it stays, not only in a log line that scrolls away.
        if let Some(trouble) = &app.stream.api_trouble
            && trouble.waits_for_ids
        {
            lines.push(Line::from(""));
            // The way round first: the API's message can be long, and a short pane cuts
            // the last lines.
            lines.push(Line::from(Span::styled(
                "Chat waits for the channel ids (Kick's API does not give them).",
                th.warn,
            )));
            lines.push(Line::from(Span::styled(
                format!(
                    "Give --channel-id and --chatroom-id (or [kick] channel_id and \
                     chatroom_id): {}.",
                    crate::present::kick_ids_how_to(&app.ctx.channel)
                ),
                th.text,
            )));
            lines.push(Line::from(Span::styled(
                format!("Kick's API: {}", trouble.message),
                th.dim,
            )));
        }
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: true })
            .render(inner, buf);
        return;
    }
    let wide = inner.width >= 100;
    // Below the six columns' width the wall clock goes (the offset says when), so the type
    // is not cut to `KEYWORD BURST +`.
    let narrow = inner.width < FULL_WIDTH;
    // What fired gets what is left, cut with an ellipsis rather than mid-word.
    let fired = usize::from(inner.width).saturating_sub(usize::from(FULL_WIDTH) + 1);
    let order = list.display();
    let rows: Vec<Row> = order
        .iter()
        .skip(list.offset)
        .take(rows_visible)
        .map(|&i| {
            let e = &list.entries[i];
            let mut row = row(e, app.ctx.storage, th, wide.then_some(fired), narrow);
            if list.selected == Some(i) {
                row = row.style(th.selected);
            }
            row
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(16),
        Constraint::Length(6),
        Constraint::Length(8),
        Constraint::Length(13),
    ];
    let mut header = vec!["time", "offset", "type", "score", "clip", "stored"];
    if narrow {
        widths.remove(0);
        header.remove(0);
    }
    if wide {
        widths.push(Constraint::Min(10));
        header.push("what fired");
    }
    Table::new(rows, widths)
        .header(Row::new(header).style(th.dim))
        .column_spacing(1)
        .block(block)
        .render(area, buf);
}

/// The six columns and their spacing.
const FULL_WIDTH: u16 = 8 + 8 + 16 + 6 + 8 + 13 + 5;

/// `fired`: the width of the "what fired" column, when there is one.
fn row<'a>(
    e: &MomentEntry,
    storage: Storage,
    th: &Theme,
    fired: Option<usize>,
    narrow: bool,
) -> Row<'a> {
    let m = &e.moment;
    let extra = m.triggers.len().saturating_sub(1);
    // The headline itself, as the details, flash and log say it (`KEYWORDS` here was `KEYWORD
    // BURST` there): with one trigger a kind, `+7` at most, it fits the column.
    let kind = if extra > 0 {
        format!("{} +{extra}", m.headline())
    } else {
        m.headline().to_string()
    };
    let kind_style = if m.source == MomentSource::Manual {
        th.accent
    } else {
        th.text
    };
    let (stored, stored_style) = match (e.id, storage) {
        (Some(id), _) if e.building => (format!("#{id} building"), th.accent),
        (Some(id), _) => (format!("#{id}"), th.dim),
        (None, _) if e.building => ("building…".to_string(), th.accent),
        (None, Storage::Preview) => ("preview".to_string(), th.dim),
        (None, Storage::Database) => ("NOT SAVED".to_string(), th.bad),
    };
    let clip_style = match e.clip {
        ClipStatus::Done { .. } => th.good,
        ClipStatus::Failed { .. } => th.bad,
        ClipStatus::NotRecorded | ClipStatus::Skipped => th.dim,
        _ => th.text,
    };
    let mut cells = vec![
        Cell::from(clock(m.at)),
        Cell::from(format_hms(m.offset_s)),
        Cell::from(Span::styled(kind, kind_style)),
        Cell::from(format!("{:>5.1}", m.score)),
        Cell::from(Span::styled(e.clip.label().to_string(), clip_style)),
        Cell::from(Span::styled(stored, stored_style)),
    ];
    if narrow {
        cells.remove(0);
    }
    if let Some(width) = fired {
        let summary = trigger_summary(m);
        let summary = crate::text_fit::shorten(&crate::terminal_text::for_tui(&summary), width);
        cells.push(Cell::from(Span::styled(summary, th.dim)));
    }
    Row::new(cells)
}
