//! The log pane: tracing events captured by tui-logger (the layer is installed by
//! `logging::init_tui`; the loop moves new events in on its clock tick).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Block, Widget};
use tui_logger::{TuiLoggerLevelOutput, TuiLoggerWidget};

use super::theme::Theme;

pub fn render(th: &Theme, area: Rect, buf: &mut Buffer) {
    TuiLoggerWidget::default()
        .block(Block::bordered().title(Span::styled(" Log ", th.title)))
        .output_separator(' ')
        .output_timestamp(Some("%H:%M:%S".to_string()))
        .output_level(Some(TuiLoggerLevelOutput::Abbreviated))
        .output_target(false)
        .output_file(false)
        .output_line(false)
        .style(th.text)
        .style_error(th.bad)
        .style_warn(th.warn)
        .style_info(th.text)
        .style_debug(th.dim)
        .style_trace(th.dim)
        .render(area, buf);
}
