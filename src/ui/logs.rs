//! The log pane: tracing events captured by tui-logger (the layer is installed by
//! `logging::init_tui`; the loop moves new events in on its clock tick).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Block, Widget};
use tui_logger::TuiLoggerWidget;

use super::log_format::PaneFormatter;
use super::theme::Theme;

pub fn render(th: &Theme, area: Rect, buf: &mut Buffer) {
    let rows = area.height.saturating_sub(2) as usize;
    TuiLoggerWidget::default()
        .block(Block::bordered().title(Span::styled(" Log ", th.title)))
        .formatter(Box::new(PaneFormatter::new(th, rows)))
        .style(th.text)
        .render(area, buf);
}
