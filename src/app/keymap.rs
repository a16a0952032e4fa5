//! The one keymap table. It drives key dispatch, the `?` help popup and the hint bar (on the
//! main screen and under a popup), so they can never disagree; `[keys]` in config.toml
//! overrides single rows.

use std::collections::HashMap;

use crossterm::event::KeyEvent;

use super::chord::KeyChord;
pub use super::keymap_table::{InPopup, Row, TABLE, in_popup};
use super::state::Popup;
use crate::config::Keys;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Mark,
    Clip,
    /// The selected moment's clip is skipped (not cut at the stream's end), or wanted again.
    SkipClip,
    NextActivity,
    /// The n-th key of this row picks the n-th activity.
    PickActivity,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Details,
    Sort,
    Help,
    Back,
    Quit,
    Repaint,
    /// The co-pilot: ask now, accept the next call of its advice, dismiss the advice.
    AskAdvice,
    AcceptAdvice,
    DismissAdvice,
}

impl Action {
    /// Carried out by the engine (a stopped engine cannot take it).
    pub fn needs_engine(self) -> bool {
        matches!(
            self,
            Action::Mark
                | Action::Clip
                | Action::SkipClip
                | Action::NextActivity
                | Action::PickActivity
                | Action::AskAdvice
                | Action::AcceptAdvice
                | Action::DismissAdvice
        )
    }
}

/// Resolved bindings: a key finds its action (and its position in the row, for activities).
#[derive(Clone, Debug, PartialEq)]
pub struct Keymap {
    by_key: HashMap<KeyChord, (Action, usize)>,
    /// Per table row, in table order.
    keys: Vec<Vec<KeyChord>>,
}

impl Default for Keymap {
    fn default() -> Self {
        // The built-in table has no conflicts (a test checks it).
        Keymap::from_config(&Keys::default()).unwrap_or_else(|_| Keymap {
            by_key: HashMap::new(),
            keys: vec![Vec::new(); TABLE.len()],
        })
    }
}

impl Keymap {
    /// Builds the keymap from `[keys]`. Errors are `(config key, what is expected)`.
    pub fn from_config(cfg: &Keys) -> Result<Keymap, (String, String)> {
        let mut by_key: HashMap<KeyChord, (Action, usize)> = HashMap::new();
        let mut keys = Vec::with_capacity(TABLE.len());
        for (row_i, row) in TABLE.iter().enumerate() {
            let key_name = format!("keys.{}", row.name);
            let texts = cfg.get(row.name).unwrap_or(&[]);
            if texts.is_empty() && matches!(row.action, Action::Quit | Action::Help) {
                return Err((key_name, "at least one key".into()));
            }
            let mut chords = Vec::with_capacity(texts.len());
            for text in texts {
                let chord = KeyChord::parse(text).map_err(|e| (key_name.clone(), e))?;
                // Listed twice in its own row: once is enough (it blamed the row on itself).
                if chords.contains(&chord) {
                    continue;
                }
                if let Some((other, _)) = by_key.get(&chord) {
                    let other_row = TABLE.iter().position(|r| r.action == *other);
                    let blame = blame(cfg, row_i, other_row.unwrap_or(row_i));
                    let other_name = other_row.map_or("?", |i| TABLE[i].name);
                    let (a, b) = if blame == row_i {
                        (row.name, other_name)
                    } else {
                        (other_name, row.name)
                    };
                    return Err((
                        format!("keys.{a}"),
                        format!("a key of its own: {chord} is also bound to {b}"),
                    ));
                }
                by_key.insert(chord, (row.action, chords.len()));
                chords.push(chord);
            }
            keys.push(chords);
        }
        Ok(Keymap { by_key, keys })
    }

    /// The action a key press stands for, with the key's position in its row.
    /// An unbound Alt-key falls back to the key alone: a quick Esc then `m` arrives as Alt-m.
    pub fn action(&self, ev: &KeyEvent) -> Option<(Action, usize)> {
        let chord = KeyChord::from_event(ev);
        self.by_key.get(&chord).copied().or_else(|| {
            let plain = KeyChord {
                alt: false,
                ..chord
            };
            chord
                .alt
                .then(|| self.by_key.get(&plain).copied())
                .flatten()
        })
    }

    pub fn keys(&self, action: Action) -> &[KeyChord] {
        TABLE
            .iter()
            .position(|r| r.action == action)
            .and_then(|i| self.keys.get(i))
            .map_or(&[], Vec::as_slice)
    }

    /// How the keys of `action` read in help: `k/Up`, `1..9`.
    pub fn label(&self, action: Action) -> String {
        let keys = self.keys(action);
        match keys {
            [] => "(unbound)".into(),
            [first, .., last] if keys.len() > 3 => format!("{first}..{last}"),
            _ => keys
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("/"),
        }
    }

    /// The first key of `action`, for the hint bar.
    pub fn first(&self, action: Action) -> Option<KeyChord> {
        self.keys(action).first().copied()
    }

    /// Help rows: (action, keys, what they do), in table order.
    pub fn help_rows(&self) -> Vec<(Action, String, &'static str)> {
        TABLE
            .iter()
            .map(|r| (r.action, self.label(r.action), r.help))
            .collect()
    }

    /// The keys that scroll the help or browse under the details, as the hint bar says them
    /// (`j/k`): the popup's bottom edge says the same.
    pub fn moving_keys(&self, popup: Popup) -> String {
        self.hints(Some(popup))
            .into_iter()
            .find(|(a, _, _)| matches!(a, Action::Up | Action::Down))
            .map_or_else(|| "(unbound)".into(), |(_, keys, _)| keys)
    }

    /// Hint bar items: (action, first key, short label), for rows that have a hint and a key,
    /// on the main screen or under `popup`. Neighbours with one label are one item (`j/k
    /// scroll`); the quit question has none (it lists its own keys).
    pub fn hints(&self, popup: Option<Popup>) -> Vec<(Action, String, &'static str)> {
        let mut out: Vec<(Action, String, &'static str)> = Vec::new();
        for r in TABLE {
            let hint = match popup {
                None => r.hint,
                Some(p) => r.in_popup(p).hint(),
            };
            let (Some(label), Some(key)) = (hint, self.first(r.action)) else {
                continue;
            };
            match out.last_mut() {
                Some(last) if popup.is_some() && last.2 == label => {
                    last.1 = format!("{}/{key}", last.1);
                }
                _ => out.push((r.action, key.to_string(), label)),
            }
        }
        out
    }
}

/// Of two rows sharing a key, the one the user changed is to blame (else the later one).
fn blame(cfg: &Keys, a: usize, b: usize) -> usize {
    let changed = |i: usize| {
        let row = &TABLE[i];
        cfg.get(row.name)
            .is_some_and(|k| k.iter().map(String::as_str).ne(row.keys.iter().copied()))
    };
    match (changed(a), changed(b)) {
        (true, false) => a,
        (false, true) => b,
        _ => a.max(b),
    }
}

#[cfg(test)]
#[path = "keymap_tests.rs"]
mod tests;
