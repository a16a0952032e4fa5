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
    quit_dialog(app, th, area, buf, &later_command("clip --pending"));
}

/// `later`: the command that cuts the clips left (it names this run's data dir).
fn quit_dialog(app: &App, th: &Theme, area: Rect, buf: &mut Buffer, later: &str) {
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
    // Each key as the hint bar shows it, one space before its words (` y ` read `y  or`).
    let stay = Line::from(vec![
        Span::styled("Esc", th.key.patch(th.selected)),
        Span::raw(" or any key: stay"),
    ]);
    if pending == 0 {
        // Nothing to cut: no cut-or-leave choice to make.
        lines.extend([
            Line::from(question),
            Line::from(""),
            Line::from(vec![
                Span::styled("y", th.key.patch(th.selected)),
                Span::raw(format!(" or Enter{quit}: quit")),
            ]),
            stay,
        ]);
    } else {
        lines.extend(cut_or_leave(th, &question, &quit, later));
        lines.push(stay);
    }
    // Wrapped lines (a long data dir, a narrow pane) take more rows: counted as the
    // Paragraph below wraps them, at word breaks (width / columns was too few, and the last
    // line fell off the popup).
    const WIDTH: u16 = 64;
    let inner = WIDTH.min(area.width).saturating_sub(2).max(1);
    let rows = |lines: &[Line]| -> usize {
        Paragraph::new(lines.to_vec())
            .wrap(Wrap { trim: true })
            .line_count(inner)
    };
    if rows(&lines) + 2 > usize::from(area.height) {
        // Too short: the blank lines go, and "stay" (what any key does) moves up, so a
        // cramped pane shows the safe answer before the others.
        lines.retain(|l| l.width() > 0);
        if let Some(stay) = lines.pop() {
            let at = usize::from(app.recording.state.is_active()) + 1;
            lines.insert(at.min(lines.len()), stay);
        }
    }
    let h = u16::try_from(rows(&lines) + 2).unwrap_or(u16::MAX);
    let r = popup(area, WIDTH, h);
    Clear.render(r, buf);
    Paragraph::new(lines)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true })
        .block(Block::bordered().title(Span::styled(" Quit? ", th.title)))
        .render(r, buf);
}

/// The question and the y / n answers when there are clips to cut.
fn cut_or_leave(th: &Theme, question: &str, quit: &str, later: &str) -> [Line<'static>; 5] {
    [
        Line::from(question.to_string()),
        Line::from(""),
        Line::from(vec![
            Span::styled("y", th.key.patch(th.selected)),
            Span::raw(format!(
                " or Enter: yes, cut now, then quit (up to {} s)",
                QUIT_CLIPS.as_secs()
            )),
        ]),
        Line::from(vec![
            Span::styled("n", th.key.patch(th.selected)),
            Span::raw(format!("{quit}: no, leave them for")),
        ]),
        // Names this run's data dir when a plain `kicktui` would not find it (the demo).
        Line::from(format!("`{later}`")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Keymap, TuiContext};
    use crate::domain::Ts;

    fn shown(app: &App, w: u16, h: u16, later: &str) -> String {
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        quit_dialog(app, &Theme::new(true), area, &mut buf, later);
        (0..h)
            .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A long data dir in the `clip --pending` command wraps at word breaks onto more rows
    /// than its width divided by the popup's: every line still shows, the last ("stay")
    /// included, and in a pane too short for it all the shrunk dialog keeps "stay".
    #[test]
    fn every_line_of_the_quit_dialog_shows_with_a_long_data_dir() {
        let mut app = App::new(TuiContext::new("c", "/d", Keymap::default()), Ts(0));
        app.recording.state = RecState::Recording;
        app.quit_pending = 3;
        let later = "kicktui --data-dir /very/long/path/to/a/streamers-archive/kicktui-data/\
                     clavicular-2027 clip --pending";
        for (w, h) in [(80, 24), (60, 20), (60, 16), (40, 12)] {
            let t = shown(&app, w, h, later);
            assert!(t.contains("or any key: stay"), "{w}×{h}:\n{t}");
            assert!(t.contains("pending clips"), "{w}×{h}:\n{t}");
            if h >= 20 {
                assert!(t.contains("clip --pending`"), "{w}×{h}:\n{t}");
            }
            // The bottom border closes the box: no line cut off by it.
            let bottom = t
                .lines()
                .rev()
                .find(|l| l.contains('└'))
                .unwrap_or_default();
            assert!(bottom.contains('┘'), "{w}×{h}:\n{t}");
        }
    }

    #[test]
    fn each_answer_has_one_space_after_its_key() {
        let mut app = App::new(TuiContext::new("c", "/d", Keymap::default()), Ts(0));
        let t = shown(&app, 80, 24, "kicktui clip --pending");
        assert!(t.contains(" y or Enter or q/Ctrl-C: quit "), "{t}");
        assert!(t.contains(" Esc or any key: stay "), "{t}");
        app.quit_pending = 2;
        let t = shown(&app, 80, 24, "kicktui clip --pending");
        assert!(t.contains(" y or Enter: yes, cut now"), "{t}");
        assert!(t.contains(" n or q/Ctrl-C: no, leave them"), "{t}");
        assert!(!t.contains("  or "), "{t}");
    }
}
