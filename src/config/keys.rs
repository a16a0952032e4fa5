//! `[keys]`: TUI key bindings. Each action takes one key or a list (`mark = "M"`,
//! `quit = ["q", "Q"]`); the defaults come from the keymap table in `app::keymap`.

use serde::{Deserialize, Deserializer, Serialize};

use crate::app::keymap::TABLE;

/// One key or several; `"m"` and `["m"]` mean the same.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct KeyList(pub Vec<String>);

impl<'de> Deserialize<'de> for KeyList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(
            untagged,
            expecting = "a key (\"m\") or a list of keys ([\"q\", \"Q\"])"
        )]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        Ok(match OneOrMany::deserialize(d)? {
            OneOrMany::One(k) => KeyList(vec![k]),
            OneOrMany::Many(ks) => KeyList(ks),
        })
    }
}

impl KeyList {
    fn default_for(name: &str) -> KeyList {
        let keys = TABLE
            .iter()
            .find(|r| r.name == name)
            .map_or(&[][..], |r| r.keys);
        KeyList(keys.iter().map(|k| k.to_string()).collect())
    }
}

macro_rules! keys_section {
    ($($field:ident),* $(,)?) => {
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct Keys {
            $(pub $field: KeyList,)*
        }

        impl Default for Keys {
            fn default() -> Self {
                Keys { $($field: KeyList::default_for(stringify!($field)),)* }
            }
        }

        impl Keys {
            /// The keys bound to the action named `name` in the keymap table.
            pub fn get(&self, name: &str) -> Option<&[String]> {
                match name {
                    $(stringify!($field) => Some(&self.$field.0),)*
                    _ => None,
                }
            }
        }
    };
}

keys_section!(
    mark,
    clip,
    skip_clip,
    activity,
    pick_activity,
    up,
    down,
    page_up,
    page_down,
    top,
    bottom,
    details,
    sort,
    help,
    back,
    quit,
    repaint,
    ask_advice,
    accept_advice,
    dismiss_advice,
);

/// Every key parses and no key is bound twice.
pub fn check(keys: &Keys) -> Result<(), (String, String)> {
    crate::app::keymap::Keymap::from_config(keys).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_row_has_a_field() {
        let k = Keys::default();
        for row in TABLE {
            let got = k
                .get(row.name)
                .unwrap_or_else(|| panic!("no field {}", row.name));
            assert_eq!(got, row.keys, "{}", row.name);
        }
    }

    #[test]
    fn one_key_or_a_list() {
        let k: Keys = toml::from_str("mark = \"M\"\nquit = [\"q\", \"Q\"]").unwrap();
        assert_eq!(k.mark.0, vec!["M"]);
        assert_eq!(k.quit.0, vec!["q", "Q"]);
        assert_eq!(k.clip, Keys::default().clip);
    }

    #[test]
    fn a_conflict_in_a_file_is_a_config_error_naming_the_key() {
        let e = super::super::load::parse_str("[keys]\nmark = \"c\"\n", "my.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("my.toml") && e.contains("keys.mark"), "{e}");
        assert!(e.contains("also bound to clip"), "{e}");
        let e = super::super::load::parse_str("[keys]\nmrak = \"m\"\n", "my.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("keys.mrak"), "{e}");
    }
}
