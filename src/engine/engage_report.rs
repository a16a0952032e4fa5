//! The retrospective on disk: `<data dir>/reports/<channel>_session<N>.md`, built from the
//! database (so the file, `kicktui report` and the tables always agree).

use std::path::{Path, PathBuf};

use crate::store::Store;

pub const REPORTS_DIR: &str = "reports";

/// Sessions of this channel that are still open (before crash recovery closes them).
pub fn open_sessions(data_dir: &Path, platform: &str, channel: &str) -> Vec<i64> {
    let Ok(store) = Store::open_in(data_dir) else {
        return Vec::new();
    };
    store
        .list_sessions()
        .map(|rows| {
            rows.into_iter()
                .filter(|s| s.ended_at.is_none() && s.platform == platform && s.channel == channel)
                .map(|s| s.id)
                .collect()
        })
        .unwrap_or_default()
}

pub fn report_path(data_dir: &Path, channel: &str, session: i64) -> PathBuf {
    data_dir
        .join(REPORTS_DIR)
        .join(format!("{channel}_session{session:03}.md"))
}

/// Builds session `id`'s report from the database and writes it; returns its path and text.
pub fn write_report(
    data_dir: &Path,
    id: i64,
    sub_price_usd: f64,
) -> Result<(PathBuf, String), String> {
    let store = Store::open_in(data_dir).map_err(|e| e.to_string())?;
    let report = store
        .report(id, sub_price_usd)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no session {id}"))?;
    let md = report.to_markdown();
    let path = report_path(data_dir, &report.channel, id);
    super::bandit_file::write_atomic(&path, md.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok((path, md))
}
