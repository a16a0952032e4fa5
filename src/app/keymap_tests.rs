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
