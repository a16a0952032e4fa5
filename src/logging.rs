//! Logging: everything to `<data dir>/kicktui.log`; in headless mode, warnings and errors to
//! stderr too (stdout belongs to the headless lines). Never to the terminal while a TUI owns it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::writer::MakeWriterExt;
use tracing_subscriber::prelude::*;

use crate::log_file::RotatingLog;

/// The target of warnings a front end also shows as a line of its own (recorder trouble, API
/// trouble): the file keeps them, headless stderr does not repeat what stdout just said.
pub const SHOWN: &str = "kicktui::shown";

/// The target of lines for the TUI's log pane only (a stream report's text, which has a file
/// of its own): `kicktui.log` keeps where it was saved, not a second copy.
pub const SCREEN_ONLY: &str = "kicktui::screen_only";

/// A log larger than this (at start or while running) is moved to `kicktui.log.1`, so a 24/7
/// box stays bounded.
const ROTATE_BYTES: u64 = 20 * 1024 * 1024;

pub fn log_path(data_dir: &Path) -> PathBuf {
    data_dir.join("kicktui.log")
}

/// Opens `<data dir>/kicktui.log` for appending, moving a too-large one aside first.
fn open_log(data_dir: &Path) -> std::io::Result<(RotatingLog, PathBuf)> {
    std::fs::create_dir_all(data_dir)?;
    let path = log_path(data_dir);
    let file = RotatingLog::open(&path, ROTATE_BYTES)?;
    Ok((file, path))
}

/// `[HH:MM:SS]` in local time, as headless prints its own lines, so warnings line up with them.
struct HeadlessClock;

impl tracing_subscriber::fmt::time::FormatTime for HeadlessClock {
    fn format_time(&self, w: &mut tracing_subscriber::fmt::format::Writer<'_>) -> std::fmt::Result {
        write!(w, "{}", chrono::Local::now().format("[%H:%M:%S]"))
    }
}

/// The file's time stamp, then the channel: two runs on other channels may share a data dir,
/// and so one `kicktui.log`, their lines interleaved.
struct FileClock(Option<String>);

impl tracing_subscriber::fmt::time::FormatTime for FileClock {
    fn format_time(&self, w: &mut tracing_subscriber::fmt::format::Writer<'_>) -> std::fmt::Result {
        tracing_subscriber::fmt::time::SystemTime.format_time(w)?;
        match &self.0 {
            Some(channel) => write!(w, " {channel}"),
            None => Ok(()),
        }
    }
}

const LEVELS: [&str; 6] = ["off", "error", "warn", "info", "debug", "trace"];

/// The filter's directives: `$KICKTUI_LOG` when it reads as levels or `target=level`
/// directives, else the config's `level` and a warning to show (where the front end shows it:
/// stderr would land in the middle of the TUI's screen). A bare word that is no level
/// (`verbose`) is a target name to tracing: the log stayed empty without a word.
fn log_directives(level: &str) -> (String, Option<String>) {
    let Some(env) = std::env::var("KICKTUI_LOG")
        .ok()
        .filter(|e| !e.trim().is_empty())
    else {
        return (with_quiet_libraries(level), None);
    };
    let directives = with_quiet_libraries(&env);
    if env_directives_ok(&env) && EnvFilter::try_new(&directives).is_ok() {
        return (directives, None);
    }
    let warning = format!(
        "KICKTUI_LOG={env:?} is not a level ({}) or target=level list; the log uses the \
         config's level ({level})",
        LEVELS.join(", ")
    );
    (with_quiet_libraries(level), Some(warning))
}

/// Libraries kept at `warn` unless the directives name them: at `trace` the WebSocket
/// libraries log every frame, and a frame is chat text and names.
const QUIET_LIBRARIES: [&str; 5] = [
    "hyper",
    "reqwest",
    "tungstenite",
    "tokio_tungstenite",
    "rustls",
];

fn with_quiet_libraries(directives: &str) -> String {
    let named = |lib: &str| {
        directives.split(',').any(|d| {
            let target = d.split('=').next().unwrap_or("").trim();
            d.contains('=') && (target == lib || target.starts_with(&format!("{lib}::")))
        })
    };
    let mut out = directives.to_string();
    for lib in QUIET_LIBRARIES.iter().filter(|l| !named(l)) {
        out.push_str(&format!(",{lib}=warn"));
    }
    out
}

/// Each comma-separated part is a level or holds `=` (a target's level).
fn env_directives_ok(env: &str) -> bool {
    env.split(',')
        .map(str::trim)
        .all(|d| d.contains('=') || LEVELS.iter().any(|l| l.eq_ignore_ascii_case(d)))
}

/// Installs the global subscriber. `level` comes from config; `$KICKTUI_LOG` overrides it.
/// `channel`: named on every line of the file.
pub fn init(
    data_dir: &Path,
    level: &str,
    stderr_warnings: bool,
    channel: Option<&str>,
) -> std::io::Result<PathBuf> {
    let (file, path) = open_log(data_dir)?;
    let (directives, warning) = log_directives(level);
    if let Some(w) = warning {
        eprintln!("warning: {w}");
    }
    let filter = EnvFilter::new(directives);
    let file_layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_target(false)
        .with_timer(FileClock(channel.map(String::from)))
        .with_writer(Mutex::new(file))
        .with_filter(filter);
    let stderr_layer = stderr_warnings.then(|| {
        tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_target(false)
            .with_timer(HeadlessClock)
            .with_writer(std::io::stderr.with_max_level(tracing::Level::WARN))
            .with_filter(LevelFilter::WARN)
            .with_filter(tracing_subscriber::filter::filter_fn(|m| {
                m.target() != SHOWN
            }))
    });
    // A second init (tests) is not an error worth failing for.
    let _ = tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer)
        .try_init();
    Ok(path)
}

/// For the TUI: events go to the log pane (tui-logger) and, when `data_dir` is given, to
/// `<data dir>/kicktui.log`; never to the terminal the TUI owns.
pub fn init_tui(
    data_dir: Option<&Path>,
    level: &str,
    channel: Option<&str>,
) -> std::io::Result<Option<PathBuf>> {
    // Read once: each layer takes its own filter of the same directives.
    let (directives, warning) = log_directives(level);
    let filter = || EnvFilter::new(&directives);
    let (file_layer, path) = match data_dir {
        Some(dir) => {
            let (file, path) = open_log(dir)?;
            let layer = tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_target(false)
                .with_timer(FileClock(channel.map(String::from)))
                .with_writer(Mutex::new(file))
                .with_filter(filter())
                .with_filter(tracing_subscriber::filter::filter_fn(|m| {
                    m.target() != SCREEN_ONLY
                }));
            (Some(layer), Some(path))
        }
        None => (None, None),
    };
    // The pane is moved forward by the TUI's own clock; no mover thread waking 100 times a second.
    tui_logger::set_hot_buffer_depth(4096);
    // 2,000 lines of the pane kept (the library's 10,000 held 3–5 MB after a long stream).
    tui_logger::set_buffer_depth(2000);
    tui_logger::set_default_level(tui_logger::LevelFilter::Trace);
    let _ = tracing_subscriber::registry()
        .with(file_layer)
        .with(tui_logger::TuiTracingSubscriberLayer.with_filter(filter()))
        .try_init();
    // In the log pane and the file, not on the screen the TUI draws.
    if let Some(w) = warning {
        tracing::warn!("{w}");
    }
    Ok(path)
}

#[cfg(test)]
mod env_tests {
    use super::{env_directives_ok, with_quiet_libraries};

    /// `KICKTUI_LOG=trace` wrote every chat frame to the log through tungstenite's own trace
    /// lines; naming a library still opens it up for debugging.
    #[test]
    fn the_websocket_libraries_stay_quiet_unless_named() {
        let f = with_quiet_libraries("trace");
        assert!(
            f.contains("tungstenite=warn") && f.contains("tokio_tungstenite=warn"),
            "{f}"
        );
        let f = with_quiet_libraries("info,tokio_tungstenite=trace");
        assert!(
            !f.contains("tokio_tungstenite=warn") && f.contains(",tungstenite=warn"),
            "{f}"
        );
    }

    #[test]
    fn kicktui_log_takes_levels_and_target_levels_not_bare_words() {
        assert!(env_directives_ok("debug"));
        assert!(env_directives_ok("INFO,kicktui::media=trace"));
        assert!(!env_directives_ok("verbose"));
        assert!(!env_directives_ok("info,loud"));
    }
}
