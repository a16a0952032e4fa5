//! Logging: everything to `<data dir>/kicktui.log`; in headless mode, warnings and errors to
//! stderr too (stdout belongs to the headless lines). Never to the terminal while a TUI owns it.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::writer::MakeWriterExt;
use tracing_subscriber::prelude::*;

/// A log larger than this at start is moved to `kicktui.log.1`, so a 24/7 box stays bounded.
const ROTATE_BYTES: u64 = 20 * 1024 * 1024;

pub fn log_path(data_dir: &Path) -> PathBuf {
    data_dir.join("kicktui.log")
}

/// Installs the global subscriber. `level` comes from config; `$KICKTUI_LOG` overrides it.
pub fn init(data_dir: &Path, level: &str, stderr_warnings: bool) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(data_dir)?;
    let path = log_path(data_dir);
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > ROTATE_BYTES) {
        std::fs::rename(&path, data_dir.join("kicktui.log.1"))?;
    }
    let file = OpenOptions::new().create(true).append(true).open(&path)?;
    let filter = EnvFilter::try_from_env("KICKTUI_LOG").unwrap_or_else(|_| {
        EnvFilter::new(format!(
            "{level},hyper=warn,reqwest=warn,tungstenite=warn,rustls=warn"
        ))
    });
    let file_layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_target(false)
        .with_writer(Mutex::new(file))
        .with_filter(filter);
    let stderr_layer = stderr_warnings.then(|| {
        tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_target(false)
            .without_time()
            .with_writer(std::io::stderr.with_max_level(tracing::Level::WARN))
            .with_filter(LevelFilter::WARN)
    });
    // A second init (tests) is not an error worth failing for.
    let _ = tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer)
        .try_init();
    Ok(path)
}
