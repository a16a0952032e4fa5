//! The retrospective on disk, `<data dir>/reports/<channel>_session<N>.md`, built from the
//! database (so the file, `kicktui report` and the tables always agree); and the reports of
//! the sessions crash recovery closed at this start.

use std::path::{Path, PathBuf};

use super::runner::Engine;
use super::update::Update;
use crate::store::Store;

pub const REPORTS_DIR: &str = "reports";

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

impl Engine {
    /// The sessions crash recovery closed at this start (their open segment unrewarded):
    /// their reports are written and shown.
    pub(super) async fn report_recovered(&mut self) {
        for id in std::mem::take(&mut self.engage.recovered) {
            self.feed.send(Update::Note(format!(
                "Session {id} was left open (kicktui did not stop cleanly): closed at its last \
                 recorded time"
            )));
            self.engage_report(Some(id), false).await;
        }
    }

    /// Writes the session's report under `<data dir>/reports/` and shows it.
    pub(super) async fn engage_report(&mut self, session: Option<i64>, flush: bool) {
        let Some(id) = session else { return };
        if flush && let Err(e) = self.store.flush().await {
            tracing::error!("store flush before the report: {e}");
        }
        let dir = self.engage.data_dir.clone();
        let price = self.engage.sub_price_usd;
        let written = tokio::task::spawn_blocking(move || write_report(&dir, id, price))
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r);
        match written {
            Ok((path, md)) => {
                self.feed.send(Update::Note(format!(
                    "Stream report saved to {}",
                    path.display()
                )));
                self.feed.send(Update::Note(format!("\n{}", md.trim_end())));
            }
            Err(e) => {
                tracing::error!("report for session {id}: {e}");
                self.feed
                    .send(Update::Note(format!("Report for session {id} failed: {e}")));
            }
        }
    }
}
