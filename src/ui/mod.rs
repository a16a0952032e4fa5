//! The TUI view: `draw(frame, &App)` only reads the model. One file per pane.

pub mod advisor;
pub mod bandit;
pub mod details;
pub mod emotes;
pub mod help;
pub mod keywords;
pub mod layout;
pub mod log_format;
pub mod logs;
pub mod moments;
pub mod notice;
pub mod recording;
pub mod status;
pub mod theme;
pub mod velocity;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::app::{App, Popup};
pub use theme::Theme;

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    render(app, area, frame.buffer_mut());
}

/// The whole screen into a buffer (tests render through this too).
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let th = Theme::new(app.ctx.no_color);
    let Some(a) = layout::areas(area) else {
        notice::too_small(app, &th, area, buf);
        // The quit question is answered with keys: it must show, or a second `q` answers it
        // unseen.
        if app.popup == Some(Popup::ConfirmQuit) {
            notice::confirm_quit(app, &th, area, buf);
        }
        return;
    };
    status::render(app, &th, a.status, buf);
    velocity::render(app, &th, a.velocity, buf);
    keywords::render(app, &th, a.keywords, buf);
    emotes::render(app, &th, a.emotes, buf);
    if let Some(r) = a.recording {
        recording::render(app, &th, r, buf);
    }
    if let Some(r) = a.bandit {
        bandit::render(app, &th, r, buf);
    }
    moments::render(app, &th, a.moments, buf);
    if let Some(r) = a.log {
        logs::render(&th, r, buf);
    }
    help::hint_bar(app, &th, a.hint, buf);
    // Above the hint bar: it says which keys work in the popup.
    let above = Rect {
        height: a.hint.y.saturating_sub(area.y),
        ..area
    };
    match app.popup {
        Some(Popup::Help) => help::help_popup(app, &th, above, buf),
        Some(Popup::Details) => details::render(app, &th, above, buf),
        Some(Popup::ConfirmQuit) => notice::confirm_quit(app, &th, area, buf),
        None => {}
    }
}
