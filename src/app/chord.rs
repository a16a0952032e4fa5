//! One key as the keymap sees it: parsed from config text (`Ctrl-L`, `PgUp`, `m`), shown in
//! help, and matched against crossterm key events.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key plus Ctrl/Alt. Shift is part of the character (`G`, `?`), never a modifier, because
/// terminals disagree on whether they report it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl KeyChord {
    /// `y` or Enter: "yes" in the quit dialog, whatever else it is bound to.
    pub fn answers_yes(&self) -> bool {
        matches!(self.code, KeyCode::Char('y' | 'Y') | KeyCode::Enter)
    }

    pub const fn plain(code: KeyCode) -> KeyChord {
        KeyChord {
            code,
            ctrl: false,
            alt: false,
        }
    }

    /// The chord a terminal key event stands for.
    pub fn from_event(ev: &KeyEvent) -> KeyChord {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let code = match ev.code {
            // Ctrl-L arrives as `l` or `L` depending on the terminal.
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            // Shift-Tab is its own code.
            KeyCode::BackTab => KeyCode::BackTab,
            c => c,
        };
        KeyChord {
            code,
            ctrl,
            alt: ev.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// Parses `m`, `?`, `Enter`, `Esc`, `PgUp`, `F5`, `Space`, `Ctrl-L`, `Alt-x` (also `Ctrl+L`).
    pub fn parse(text: &str) -> Result<KeyChord, String> {
        let mut rest = text.trim();
        if rest.is_empty() {
            return Err("an empty key".into());
        }
        let (mut ctrl, mut alt) = (false, false);
        loop {
            let lower = rest.to_ascii_lowercase();
            let Some(after) = ["ctrl-", "ctrl+", "alt-", "alt+"]
                .iter()
                .find(|p| lower.starts_with(*p) && rest.len() > p.len())
            else {
                break;
            };
            if after.starts_with("ctrl") {
                ctrl = true;
            } else {
                alt = true;
            }
            rest = &rest[after.len()..];
        }
        let code = named(rest).or_else(|| single_char(rest)).ok_or_else(|| {
            format!("{text:?} is not a key (a character, Enter, Esc, Tab, Space, Up, Down, Left, Right, PgUp, PgDn, Home, End, F1-F12, with an optional Ctrl- or Alt-)")
        })?;
        let code = match code {
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            c => c,
        };
        // Terminals send these as other keys: the binding would show in help and never fire.
        if let (true, KeyCode::Char(c)) = (ctrl, code)
            && let Some(is) = terminal_alias(c)
        {
            return Err(format!(
                "{text:?} reaches kicktui as {is} (the terminal sends the same byte): pick another key"
            ));
        }
        Ok(KeyChord { code, ctrl, alt })
    }
}

/// The key a terminal reports for Ctrl and `c`, when it is not Ctrl-`c`.
fn terminal_alias(c: char) -> Option<&'static str> {
    match c {
        'm' => Some("Enter"),
        'i' => Some("Tab"),
        'h' => Some("Backspace"),
        '[' => Some("Esc"),
        _ => None,
    }
}

fn named(s: &str) -> Option<KeyCode> {
    let lower = s.to_ascii_lowercase();
    let code = match lower.as_str() {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" | "shift-tab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "space" => KeyCode::Char(' '),
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pgdown" | "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "insert" => KeyCode::Insert,
        "delete" | "del" => KeyCode::Delete,
        f if f.len() >= 2 && f.starts_with('f') => {
            let n: u8 = f[1..].parse().ok()?;
            if !(1..=12).contains(&n) {
                return None;
            }
            KeyCode::F(n)
        }
        _ => return None,
    };
    Some(code)
}

fn single_char(s: &str) -> Option<KeyCode> {
    let mut chars = s.chars();
    let c = chars.next()?;
    (chars.next().is_none() && !c.is_whitespace() && !c.is_control()).then_some(KeyCode::Char(c))
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            write!(f, "Ctrl-")?;
        }
        if self.alt {
            write!(f, "Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => write!(f, "Space"),
            KeyCode::Char(c) if self.ctrl => write!(f, "{}", c.to_ascii_uppercase()),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => write!(f, "Enter"),
            KeyCode::Esc => write!(f, "Esc"),
            KeyCode::Tab => write!(f, "Tab"),
            KeyCode::BackTab => write!(f, "Shift-Tab"),
            KeyCode::Backspace => write!(f, "Backspace"),
            KeyCode::Up => write!(f, "Up"),
            KeyCode::Down => write!(f, "Down"),
            KeyCode::Left => write!(f, "Left"),
            KeyCode::Right => write!(f, "Right"),
            KeyCode::PageUp => write!(f, "PgUp"),
            KeyCode::PageDown => write!(f, "PgDn"),
            KeyCode::Home => write!(f, "Home"),
            KeyCode::End => write!(f, "End"),
            KeyCode::Insert => write!(f, "Insert"),
            KeyCode::Delete => write!(f, "Delete"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_show_round_trip() {
        for s in [
            "m", "?", "G", "Enter", "Esc", "PgUp", "PgDn", "F5", "Space", "Ctrl-L",
        ] {
            assert_eq!(KeyChord::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(KeyChord::parse("ctrl+l"), KeyChord::parse("Ctrl-L"));
        assert_eq!(KeyChord::parse("PageDown"), KeyChord::parse("PgDn"));
    }

    #[test]
    fn bad_keys_say_what_a_key_is() {
        for s in ["", "mm", "F13", "Hyper-x", "Ctrl-"] {
            let e = KeyChord::parse(s).unwrap_err();
            assert!(e.contains("key"), "{s}: {e}");
        }
    }

    /// Ctrl-M is Enter to the terminal: bound, it showed in help and pressing it opened the
    /// details instead.
    #[test]
    fn ctrl_keys_the_terminal_sends_as_others_are_refused() {
        for (s, is) in [("Ctrl-M", "Enter"), ("ctrl+i", "Tab"), ("Ctrl-[", "Esc")] {
            let e = KeyChord::parse(s).unwrap_err();
            assert!(e.contains(is), "{s}: {e}");
        }
        assert!(KeyChord::parse("Ctrl-K").is_ok());
    }

    #[test]
    fn events_match_regardless_of_shift_reporting() {
        let shifted = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(
            KeyChord::from_event(&shifted),
            KeyChord::parse("G").unwrap()
        );
        let ctrl_l = KeyEvent::new(KeyCode::Char('L'), KeyModifiers::CONTROL);
        assert_eq!(
            KeyChord::from_event(&ctrl_l),
            KeyChord::parse("Ctrl-L").unwrap()
        );
    }
}
