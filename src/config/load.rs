//! Where the config comes from, and errors that name the file, the key and what is expected.

use std::path::{Path, PathBuf};

use super::{Config, redact};

#[derive(Debug, thiserror::Error)]
#[error("config error in {file}{}{}: {expected}", at_line(.line), place(.key))]
pub struct ConfigError {
    pub file: String,
    pub key: String,
    pub expected: String,
    /// The line the key is on, when it can be found in the file (a key error only).
    pub line: Option<usize>,
}

fn at_line(line: &Option<usize>) -> String {
    line.map_or(String::new(), |l| format!(" (line {l})"))
}

/// `: key `a.b`` for a key; ` (line 3, column 8)` for where the file itself is wrong (such
/// places are written in parentheses where a key would be).
fn place(key: &str) -> String {
    if key.starts_with('(') {
        format!(" {key}")
    } else {
        format!(": key `{key}`")
    }
}

impl ConfigError {
    /// The error is about one key (else about the file: unreadable, or not TOML).
    pub fn names_a_key(&self) -> bool {
        !self.key.starts_with('(')
    }

    pub fn new(file: &str, key: &str, expected: impl Into<String>) -> ConfigError {
        ConfigError {
            file: file.to_string(),
            key: key.to_string(),
            expected: expected.into(),
            line: None,
        }
    }

    /// The same error, with the line its key is on in `text` (when it is there to find).
    fn on_line_in(mut self, text: &str) -> ConfigError {
        if self.names_a_key() {
            self.line = key_line(text, &self.key);
        }
        self
    }
}

/// Which file (if any) the config was read from, for `doctor` and the log.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigSource {
    Flag(PathBuf),
    Env(PathBuf),
    UserDir(PathBuf),
    Defaults,
}

impl ConfigSource {
    pub fn path(&self) -> Option<&Path> {
        match self {
            ConfigSource::Flag(p) | ConfigSource::Env(p) | ConfigSource::UserDir(p) => Some(p),
            ConfigSource::Defaults => None,
        }
    }

    /// Where settings are changed, as the help says it: the file read, or the one kicktui
    /// would read if it existed.
    pub fn shown(&self) -> String {
        match (self.path(), user_config_path()) {
            (Some(p), _) => p.display().to_string(),
            (None, Some(p)) => format!("{} (not made yet)", p.display()),
            (None, None) => "a config file (--config FILE)".into(),
        }
    }
}

fn user_config_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("config.toml"))
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "kicktui")
}

/// Lookup order: `--config`, `$KICKTUI_CONFIG`, the XDG config dir, built-in defaults.
pub fn load(flag: Option<&Path>) -> Result<(Config, ConfigSource), ConfigError> {
    let env = std::env::var_os("KICKTUI_CONFIG").filter(|v| !v.is_empty());
    let source = if let Some(p) = flag {
        ConfigSource::Flag(p.to_path_buf())
    } else if let Some(p) = env {
        ConfigSource::Env(PathBuf::from(p))
    } else {
        match user_config_path() {
            // Anything there is meant as the config: a folder by that name is an error, not
            // silently the defaults.
            Some(p) if p.exists() => ConfigSource::UserDir(p),
            _ => ConfigSource::Defaults,
        }
    };
    let Some(path) = source.path() else {
        return Ok((Config::default(), source));
    };
    // Named as the user gave it: a path from the environment is easy to forget.
    let file = match &source {
        ConfigSource::Env(_) => format!("{} (from $KICKTUI_CONFIG)", path.display()),
        _ => path.display().to_string(),
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::new(&file, "(cannot be read)", e.to_string()))?;
    let mut config = parse_str(&text, &file)?;
    config.general.data_dir = beside_file(&config.general.data_dir, path);
    Ok((config, source))
}

/// A relative `data_dir` in a config file is the file's neighbour, wherever kicktui runs from
/// (systemd's or cron's working directory made the data seem to vanish). `~` stays for
/// [`resolve_data_dir`].
fn beside_file(data_dir: &str, file: &Path) -> String {
    let p = Path::new(data_dir);
    if data_dir.is_empty() || p.is_absolute() || p.starts_with("~") {
        return data_dir.to_string();
    }
    let dir = file.parent().unwrap_or(Path::new(""));
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    dir.join(p).to_string_lossy().into_owned()
}

/// Parses and validates one config text; `file` only names it in errors.
pub fn parse_str(text: &str, file: &str) -> Result<Config, ConfigError> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let key = e.span().map_or_else(
            || "(syntax)".to_string(),
            |s| format!("({})", line_col(text, s.start)),
        );
        ConfigError::new(file, &key, format!("not valid TOML: {}", e.message()))
    })?;
    let config: Config = serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(
        |e: serde_path_to_error::Error<toml::de::Error>| {
            let key = e.path().to_string();
            let inner = e.into_inner();
            // A secret the user wrote is not repeated.
            let got = redact::parse_error(&key, inner.message());
            let said = describe(&got);
            // "from 0 to 4294967295" is the type's range; the key's own is narrower.
            let said = match (said.split_once(", got "), key_range(&key)) {
                (Some((type_range, got)), Some(range)) if type_range.contains(" from ") => {
                    format!("{range}, got {got}")
                }
                _ => said,
            };
            ConfigError::new(file, &key, said).on_line_in(text)
        },
    )?;
    super::validate::validate(&config).map_err(|(key, expected)| {
        ConfigError::new(file, &key, redact::validation_error(&key, &expected)).on_line_in(text)
    })?;
    Ok(config)
}

/// What the validator says a whole-number `key` (`chat.window_seconds`) must be, e.g. "a whole
/// number from 1 to 600": the built-in config with that key set far too high, checked.
fn key_range(key: &str) -> Option<String> {
    let (section, name) = key.split_once('.')?;
    let mut defaults = toml::Table::try_from(Config::default()).ok()?;
    let table = defaults.get_mut(section)?.as_table_mut()?;
    table.get(name)?.as_integer()?;
    table.insert(name.into(), toml::Value::Integer(i64::from(u32::MAX)));
    let probe: Config = toml::Value::Table(defaults).try_into().ok()?;
    let (bad, expected) = super::validate::validate(&probe).err()?;
    (bad == key)
        .then(|| expected.split_once(", got ").map(|(e, _)| e.to_string()))
        .flatten()
}

/// The line (1-based) that sets `key` (`velocity.threshold`, `velocit`, `bandit.arms[2]`):
/// under its `[section]` header or as a dotted `section.name =`. A plain scan, not a parse:
/// the file is valid TOML by now, and a key it cannot place is named without a line.
fn key_line(text: &str, key: &str) -> Option<usize> {
    let mut parts = key.split('.').map(|p| p.split('[').next().unwrap_or(p));
    let section = parts.next().filter(|s| !s.is_empty())?;
    let name = parts.next();
    let sets = |line: &str, k: &str| {
        line.strip_prefix(k)
            .is_some_and(|rest| rest.trim_start().starts_with(['=', '.']))
    };
    let mut header = String::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if let Some(h) = line.strip_prefix('[') {
            let h = h.trim_start_matches('[');
            header = h.split(']').next().unwrap_or("").trim().to_string();
            let whole = header == section || header.starts_with(&format!("{section}."));
            if name.is_none() && whole {
                return Some(i + 1);
            }
            continue;
        }
        let found = match name {
            Some(n) if header == section => sets(line, n),
            Some(n) if header.is_empty() => sets(line, &format!("{section}.{n}")),
            None if header.is_empty() => sets(line, section),
            _ => false,
        };
        if found {
            return Some(i + 1);
        }
    }
    None
}

fn line_col(text: &str, offset: usize) -> String {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("line {line}, column {col}")
}

/// The one section of the built-in config that has a key called `name` (none when several do:
/// `enabled` could be any of them).
fn section_of(name: &str) -> Option<String> {
    let defaults = toml::Table::try_from(Config::default()).ok()?;
    let mut having = defaults
        .iter()
        .filter(|(_, v)| v.as_table().is_some_and(|t| t.contains_key(name)));
    match (having.next(), having.next()) {
        (Some((section, _)), None) => Some(section.clone()),
        _ => None,
    }
}

/// serde says "unknown field `x`, expected one of …"; say it as what is expected.
fn describe(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let (name, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "a known key"));
        // A key in the wrong section: name the right one.
        if let Some(section) = section_of(name.trim_matches('`')) {
            return format!("unknown key {name} here; it belongs in [{section}]");
        }
        return format!("unknown key {name}; expected {expected}");
    }
    // Rust's names for numbers mean nothing to a user.
    for (rust, plain) in [
        // The type's own bounds; a key's narrower range is checked (and said) after.
        ("u32", "a whole number from 0 to 4294967295"),
        ("u64", "a whole number from 0 to 18446744073709551615"),
        ("u16", "a whole number from 0 to 65535"),
        ("i64", "a whole number"),
        ("f64", "a number"),
    ] {
        if let Some(got) = msg.strip_suffix(&format!(", expected {rust}")) {
            let got = got
                .strip_prefix("invalid type: ")
                .or_else(|| got.strip_prefix("invalid value: "))
                .unwrap_or(got);
            return format!("{plain}, got {got}");
        }
    }
    // A section given as a value (`general = 5`): Rust's struct names mean nothing either.
    if let Some((got, _)) = msg.split_once(", expected struct ") {
        let got = got.strip_prefix("invalid type: ").unwrap_or(got);
        return format!("a section of keys ([name] and its lines, or a TOML table), got {got}");
    }
    // TOML calls them arrays.
    if let Some((got, _)) = msg.split_once(", expected a sequence") {
        return format!("an array such as [\"a\", \"b\"] ({got})");
    }
    msg.to_string()
}

/// `--data-dir` / `$KICKTUI_DATA`, then `[general] data_dir`, then the platform data dir.
/// Always absolute, `~` expanded: recordings and clips are stored by path, and a later
/// `kicktui clip` from another directory must still find them.
pub fn resolve_data_dir(flag: Option<&Path>, config: &Config) -> PathBuf {
    let chosen = if let Some(p) = flag {
        p.to_path_buf()
    } else if let Some(p) = std::env::var_os("KICKTUI_DATA").filter(|v| !v.is_empty()) {
        PathBuf::from(p)
    } else if !config.general.data_dir.is_empty() {
        PathBuf::from(&config.general.data_dir)
    } else {
        project_dirs()
            .map(|d| d.data_dir().to_path_buf())
            .unwrap_or_else(|| PathBuf::from(".kicktui"))
    };
    let home = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
    let expanded = expand_home(&chosen, home.as_deref());
    std::path::absolute(&expanded).unwrap_or(expanded)
}

/// `~` and `~/x` under `home` (the shell does it for flags, not for config values).
fn expand_home(p: &Path, home: Option<&Path>) -> PathBuf {
    match (p.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => p.to_path_buf(),
    }
}

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;
