//! Whole-screen and small notices: "terminal too small" and "quit while recording?".

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use super::layout::{MIN_HEIGHT, MIN_WIDTH, popup};
use super::theme::Theme;
use crate::app::msg::RecState;
use crate::app::{Action, App};
use crate::engine::record_session::QUIT_CLIPS;
use crate::present::later_command;

/// Below the minimum size: what is wrong and what to do, wrapped to whatever room there is.
pub fn too_small(app: &App, th: &Theme, area: Rect, buf: &mut Buffer) {
    let quit = app.ctx.keymap.label(Action::Quit);
    let mark = app.ctx.keymap.label(Action::Mark);
    let mut lines = vec![
        Line::from(Span::styled("Terminal too small", th.bad)),
        Line::from(format!("{}×{}", area.width, area.height)),
        Line::from(format!("kicktui needs {MIN_WIDTH}×{MIN_HEIGHT}")),
        Line::from(Span::styled(
            format!(
                "Enlarge the pane, or {quit} quits; {mark} still marks. It keeps running meanwhile."
            ),
            th.dim,
        )),
    ];
    // Keys still act here: what they did is said (a mark was made unseen).
    if let Some(f) = app.message() {
        lines.push(Line::from(Span::styled(f.text.clone(), th.accent)));
    }
    let h = (lines.len() as u16 * 2).min(area.height);
    let y = area.y + (area.height - h) / 2;
    Paragraph::new(lines)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true })
        .render(
            Rect::new(area.x, y, area.width, area.height - (y - area.y)),
            buf,
        );
}

pub fn confirm_quit(app: &App, th: &Theme, area: Rect, buf: &mut Buffer) {
    // The quit keys answer as quitting again does, but y and Enter mean yes here even when
    // the quit key is one of them.
    let quit: Vec<String> = app
        .ctx
        .keymap
        .keys(Action::Quit)
        .iter()
        .filter(|k| !k.answers_yes())
        .map(ToString::to_string)
        .collect();
    let quit = if quit.is_empty() {
        String::new()
    } else {
        format!(" or {}", quit.join("/"))
    };
    let pending = app.quit_pending;
    let question = match pending {
        0 => "Quit now?".to_string(),
        1 => "Cut the 1 pending clip now?".to_string(),
        n => format!("Cut the {n} pending clips now?"),
    };
    let mut lines = vec![Line::from("")];
    if app.recording.state.is_active() {
        // A recording that cannot write is not "running": it resumes when it can.
        let said = match app.recording.state {
            RecState::Unwritable(_) => "The recording cannot write now; quitting stops it.",
            _ => "A recording is running; quitting stops it.",
        };
        lines.push(Line::from(Span::styled(said, th.bad)));
    }
    let stay = Line::from(vec![
        Span::styled(" Esc ", th.key.patch(th.selected)),
        Span::raw(" or any key: stay"),
    ]);
    if pending == 0 {
        // Nothing to cut: no cut-or-leave choice to make.
        lines.extend([
            Line::from(question),
            Line::from(""),
            Line::from(vec![
                Span::styled(" y ", th.key.patch(th.selected)),
                Span::raw(format!(" or Enter{quit}: quit")),
            ]),
            stay,
        ]);
    } else {
        lines.extend(cut_or_leave(th, &question, &quit));
        lines.push(stay);
    }
    // Wrapped lines (a long data dir, a narrow pane) take more rows.
    const WIDTH: u16 = 64;
    let inner = usize::from(WIDTH.min(area.width).saturating_sub(2)).max(1);
    let rows =
        |lines: &[Line]| -> usize { lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum() };
    if rows(&lines) + 2 > usize::from(area.height) {
        // Too short: the blank lines go, and "stay" (what any key does) moves up, so a
        // cramped pane shows the safe answer before the others.
        lines.retain(|l| l.width() > 0);
        if let Some(stay) = lines.pop() {
            let at = usize::from(app.recording.state.is_active()) + 1;
            lines.insert(at.min(lines.len()), stay);
        }
    }
    let r = popup(area, WIDTH, rows(&lines) as u16 + 2);
    Clear.render(r, buf);
    Paragraph::new(lines)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true })
        .block(Block::bordered().title(Span::styled(" Quit? ", th.title)))
        .render(r, buf);
}

/// The question and the y / n answers when there are clips to cut.
fn cut_or_leave(th: &Theme, question: &str, quit: &str) -> [Line<'static>; 5] {
    [
        Line::from(question.to_string()),
        Line::from(""),
        Line::from(vec![
            Span::styled(" y ", th.key.patch(th.selected)),
            Span::raw(format!(
                " or Enter: yes, cut now, then quit (up to {} s)",
                QUIT_CLIPS.as_secs()
            )),
        ]),
        Line::from(vec![
            Span::styled(" n ", th.key.patch(th.selected)),
            Span::raw(format!("{quit}: no, leave them for")),
        ]),
        // Names this run's data dir when a plain `kicktui` would not find it (the demo).
        Line::from(format!("`{}`", later_command("clip --pending"))),
    ]
}
