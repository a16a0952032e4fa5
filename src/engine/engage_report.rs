//! The retrospective on disk, `<data dir>/reports/<channel>_session<N>.md`, built from the
//! database (so the file, `kicktui report` and the tables always agree); and the reports of
//! the sessions crash recovery closed at this start.

use std::path::{Path, PathBuf};

use super::runner::Engine;
use super::update::Update;
use crate::store::{Store, WriteOp};

pub const REPORTS_DIR: &str = "reports";
/// How a note about a report that was not saved begins (the TUI's last words keep it).
pub const REPORT_FAILED: &str = "Report for session";

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
    let (path, md) = build_report(data_dir, id, sub_price_usd)?;
    save_file(&path, &md)?;
    Ok((path, md))
}

/// Session `id`'s report from the database, and where it belongs.
fn build_report(data_dir: &Path, id: i64, sub_price_usd: f64) -> Result<(PathBuf, String), String> {
    let store = Store::open_in(data_dir).map_err(|e| e.to_string())?;
    let report = store
        .report(id, sub_price_usd)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no session {id}"))?;
    let md = report.to_markdown();
    Ok((report_path(data_dir, &report.channel, id), md))
}

fn save_file(path: &Path, md: &str) -> Result<(), String> {
    super::bandit_file::write_atomic(path, md.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

impl Engine {
    /// The reports owed at this start are written, and where each went is said: the sessions
    /// crash recovery closed (their open segment unrewarded), and any whose report could not
    /// be written.
    pub(super) async fn report_recovered(&mut self) {
        let owed = std::mem::take(&mut self.engage.recovered);
        self.engage.held_reports = owed
            .streams
            .iter()
            .map(|&id| super::resume::HeldStream {
                id,
                report_owed: owed.sessions.contains(&id),
            })
            .collect();
        for id in owed
            .sessions
            .into_iter()
            .filter(|id| !owed.streams.contains(id))
        {
            // Its stream is over: clips left uncut (a kill between the stream's end and
            // its clipping) are cut first, as at any stream's end, and the report follows.
            if self.clip_held(id, "ended before kicktui went down").await {
                continue;
            }
            let why = if owed.closed.contains(&id) {
                // Recovery has said it was left open: this only says what comes next.
                format!("Saving the report of session {id}, closed after the crash")
            } else {
                format!("Session {id}'s report was not saved when it ended: saving it now")
            };
            self.feed.send(Update::Note(why));
            self.past_report(id).await;
        }
    }

    /// Queued before the session closes: if the report is never written (a full disk, a
    /// kill), the channel's next start or `clip --pending` writes it.
    pub(super) async fn owe_report(&mut self, session: Option<i64>) {
        if let Some(id) = session
            && let Err(e) = self.store.report_owed(id, true).await
        {
            tracing::warn!("session {id}: report not marked owed: {e}");
        }
    }

    /// Writes the session's report under `<data dir>/reports/` and shows it.
    pub(super) async fn engage_report(&mut self, session: Option<i64>, flush: bool) {
        if let Some(id) = session {
            self.save_report(id, flush, true).await;
        }
    }

    /// Writes the report an earlier run owed (a session it left open, or a report it could
    /// not save) and says where: an old session's text is not worth the screen or a second
    /// copy in kicktui.log. (A stream that ended while kicktui was down is shown whole, as
    /// at any stream's end: `report_held`.)
    pub(super) async fn past_report(&mut self, id: i64) {
        self.save_report(id, false, false).await;
    }

    async fn save_report(&mut self, id: i64, flush: bool, show_text: bool) {
        let price = WriteOp::SubPrice {
            session_id: id,
            usd: self.engage.sub_price_usd,
        };
        if let Err(e) = self.store.send(price).await {
            tracing::warn!("session {id}: sub price not stored with it: {e}");
        }
        if flush && let Err(e) = self.store.flush().await {
            tracing::error!("store flush before the report: {e}");
        }
        let dir = self.engage.data_dir.clone();
        let price = self.engage.sub_price_usd;
        // Built apart from the writing: a report that cannot be saved is still shown.
        let built = tokio::task::spawn_blocking(move || {
            let (path, md) = build_report(&dir, id, price)?;
            Ok((save_file(&path, &md).map(|()| path), md))
        })
        .await
        .map_err(|e| e.to_string())
        .and_then(|r: Result<_, String>| r);
        match built {
            Ok((Ok(path), md)) => {
                if let Err(e) = self.store.report_owed(id, false).await {
                    tracing::warn!("session {id}: report not marked saved: {e}");
                }
                self.feed.send(Update::Note(format!(
                    "Stream report saved to {}",
                    path.display()
                )));
                if show_text {
                    self.feed.send(Update::Note(format!("\n{}", md.trim_end())));
                }
            }
            // Each note is logged too: no line of its own for the log.
            Ok((Err(e), md)) => {
                self.feed.send(Update::Note(format!(
                    "{REPORT_FAILED} {id} not saved: {e} (`kicktui report {id}` shows it from \
                     the database)"
                )));
                if show_text {
                    self.feed.send(Update::Note(format!("\n{}", md.trim_end())));
                }
            }
            Err(e) => {
                self.feed
                    .send(Update::Note(format!("{REPORT_FAILED} {id} failed: {e}")));
            }
        }
    }
}
