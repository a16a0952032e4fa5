//! Styles from the terminal's own palette (named colours only, no RGB), so they read on light
//! and dark backgrounds; with `NO_COLOR`, attributes only.

use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    pub text: Style,
    pub title: Style,
    pub dim: Style,
    pub good: Style,
    pub bad: Style,
    pub warn: Style,
    pub accent: Style,
    pub selected: Style,
    pub bar: Style,
    pub bar_hot: Style,
    pub threshold: Style,
    pub key: Style,
}

impl Theme {
    pub fn new(no_color: bool) -> Theme {
        let plain = Style::new();
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let dim = Style::new().add_modifier(Modifier::DIM);
        let fg = |c: Color| if no_color { plain } else { plain.fg(c) };
        Theme {
            text: plain,
            title: bold,
            dim,
            good: fg(Color::Green).add_modifier(Modifier::BOLD),
            bad: fg(Color::Red).add_modifier(Modifier::BOLD),
            warn: fg(Color::Magenta).add_modifier(Modifier::BOLD),
            accent: fg(Color::Cyan).add_modifier(Modifier::BOLD),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            bar: fg(Color::Cyan),
            bar_hot: fg(Color::Red),
            threshold: if no_color { dim } else { fg(Color::Magenta) },
            key: bold,
        }
    }
}
