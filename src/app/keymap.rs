//! The one keymap table. It drives key dispatch, the `?` help popup and the hint bar, so the
//! three can never disagree; `[keys]` in config.toml overrides single rows.

use std::collections::HashMap;

use crossterm::event::KeyEvent;

use super::chord::KeyChord;
use crate::config::Keys;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Mark,
    Clip,
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
                | Action::NextActivity
                | Action::PickActivity
                | Action::AskAdvice
                | Action::AcceptAdvice
                | Action::DismissAdvice
        )
    }
}

/// One row: the action, its `[keys]` name, default keys, help text and hint-bar label.
pub struct Row {
    pub action: Action,
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub help: &'static str,
    pub hint: Option<&'static str>,
}

const fn row(
    action: Action,
    name: &'static str,
    keys: &'static [&'static str],
    help: &'static str,
    hint: Option<&'static str>,
) -> Row {
    Row {
        action,
        name,
        keys,
        help,
        hint,
    }
}

pub const TABLE: &[Row] = &[
    row(
        Action::Mark,
        "mark",
        &["m"],
        "mark a moment now",
        Some("mark"),
    ),
    row(
        Action::Clip,
        "clip",
        &["c"],
        "clip the selected moment",
        Some("clip"),
    ),
    row(
        Action::NextActivity,
        "activity",
        &["a"],
        "next activity",
        Some("activity"),
    ),
    row(
        Action::PickActivity,
        "pick_activity",
        &["1", "2", "3", "4", "5", "6", "7", "8", "9"],
        "pick the activity shown beside that key",
        None,
    ),
    row(
        Action::Up,
        "up",
        &["k", "Up"],
        "select the moment above",
        None,
    ),
    row(
        Action::Down,
        "down",
        &["j", "Down"],
        "select the moment below",
        None,
    ),
    row(Action::PageUp, "page_up", &["PgUp"], "a page up", None),
    row(
        Action::PageDown,
        "page_down",
        &["PgDn"],
        "a page down",
        None,
    ),
    row(Action::Top, "top", &["g", "Home"], "first moment", None),
    row(Action::Bottom, "bottom", &["G", "End"], "last moment", None),
    row(
        Action::Details,
        "details",
        &["Enter"],
        "the selected moment's triggers and data",
        Some("details"),
    ),
    row(
        Action::Sort,
        "sort",
        &["s"],
        "moments: newest or best first",
        Some("sort"),
    ),
    row(Action::Help, "help", &["?"], "this help", Some("help")),
    row(Action::Back, "back", &["Esc"], "close a popup", None),
    row(
        Action::Quit,
        "quit",
        &["q", "Ctrl-C"],
        "quit (asks first while recording)",
        Some("quit"),
    ),
    row(
        Action::Repaint,
        "repaint",
        &["Ctrl-L"],
        "repaint the whole screen",
        None,
    ),
    row(
        Action::AskAdvice,
        "ask_advice",
        &["A"],
        "advisor: ask for advice now",
        None,
    ),
    row(
        Action::AcceptAdvice,
        "accept_advice",
        &["y"],
        "advisor: accept (activity, moment, chat)",
        Some("accept"),
    ),
    row(
        Action::DismissAdvice,
        "dismiss_advice",
        &["n"],
        "advisor: dismiss the advice",
        None,
    ),
];

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

    /// Hint bar items: (first key, short label), for rows that have a hint and a key.
    pub fn hints(&self) -> Vec<(Action, String, &'static str)> {
        TABLE
            .iter()
            .filter_map(|r| Some((r.action, self.first(r.action)?.to_string(), r.hint?)))
            .collect()
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
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn keys(text: &str) -> Keys {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn defaults_have_no_conflicts_and_every_row_has_keys() {
        let k = Keymap::from_config(&Keys::default()).unwrap();
        for row in TABLE {
            assert!(!k.keys(row.action).is_empty(), "{}", row.name);
        }
        let ev = KeyEvent::new(KeyCode::Char('3'), KeyModifiers::NONE);
        assert_eq!(k.action(&ev), Some((Action::PickActivity, 2)));
        assert_eq!(k.label(Action::PickActivity), "1..9");
        assert_eq!(k.label(Action::Up), "k/Up");
    }

    #[test]
    fn overrides_replace_one_row() {
        let k = Keymap::from_config(&keys("mark = \"M\"\nquit = [\"q\", \"Q\"]")).unwrap();
        let big_m = KeyEvent::new(KeyCode::Char('M'), KeyModifiers::SHIFT);
        assert_eq!(k.action(&big_m), Some((Action::Mark, 0)));
        let m = KeyEvent::new(KeyCode::Char('m'), KeyModifiers::NONE);
        assert_eq!(k.action(&m), None);
        assert_eq!(k.label(Action::Quit), "q/Q");
    }

    /// A key listed twice in one row is that row's key once, not a clash with itself.
    #[test]
    fn a_key_repeated_in_its_row_is_bound_once() {
        let k = Keymap::from_config(&keys("mark = [\"M\", \"M\"]")).unwrap();
        assert_eq!(k.label(Action::Mark), "M");
    }

    #[test]
    fn a_conflict_names_the_changed_key() {
        let e = Keymap::from_config(&keys("mark = \"c\"")).unwrap_err();
        assert_eq!(e.0, "keys.mark");
        assert!(e.1.contains("clip"), "{e:?}");
        let e = Keymap::from_config(&keys("help = \"1\"")).unwrap_err();
        assert_eq!(e.0, "keys.help");
        let e = Keymap::from_config(&keys("quit = []")).unwrap_err();
        assert_eq!(e.0, "keys.quit");
        let e = Keymap::from_config(&keys("sort = \"Ctrl-\"")).unwrap_err();
        assert_eq!(e.0, "keys.sort");
    }
}
