//! At the start of a live run: repairs what a crash left of this channel's last run and says
//! so (the log, and a note the front ends show).

use std::path::Path;

use super::feed::Feed;
use super::update::Update;
use crate::present::plural;
use crate::store::recover::recover;

/// Reports the engine writes at start.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OwedReports {
    /// Every ended session of the channel whose report file was never written.
    pub sessions: Vec<i64>,
    /// Those of them closed here (a crash left them open).
    pub closed: Vec<i64>,
    /// Those closed here that recorded a stream: their reports wait until it is known
    /// whether the stream goes on (then the session does too).
    pub streams: Vec<i64>,
}

/// `records`: this run records (and so cuts the clips of a stream that ended meanwhile).
pub fn after_crash(
    db: &Path,
    platform: &str,
    slug: &str,
    records: bool,
    feed: &Feed,
) -> OwedReports {
    if !db.exists() {
        return OwedReports::default();
    }
    if let Some(data_dir) = db.parent() {
        let removed = crate::media::clear_kill_leftovers(data_dir);
        if removed > 0 {
            tracing::info!("removed {removed} unfinished clip .part file(s) a killed cut left");
        }
    }
    let r = match recover(db, platform, slug) {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("cannot repair the previous run's rows: {e}");
            return OwedReports::default();
        }
    };
    let owed = OwedReports {
        sessions: r.reports_owed.clone(),
        closed: r.sessions.iter().map(|(id, _)| *id).collect(),
        streams: r.streams.clone(),
    };
    for (id, at) in &r.sessions {
        tracing::warn!(
            "session {id} was left open by a previous run that did not stop cleanly; closed at \
             its last stored time {}",
            at.to_rfc3339()
        );
    }
    for (id, found) in &r.recordings {
        match found {
            Ok(0) => tracing::warn!("recording {id} was left unfinished with nothing on disk"),
            Ok(bytes) => tracing::warn!(
                "recording {id} was left unfinished; kept with its {bytes} bytes on disk"
            ),
            Err(why) => tracing::warn!(
                "recording {id} was left unfinished; its file could not be read ({why}), so it \
                 is kept as it was"
            ),
        }
    }
    if r.is_empty() {
        return owed;
    }
    let clips = if r.clips > 0 {
        let it = if r.clips == 1 { "it" } else { "them" };
        let later = crate::present::later_command("clip --pending");
        if r.streams.is_empty() || !records {
            format!("; {} pending: {later} cuts {it}", plural(r.clips, "clip"))
        } else {
            // The stream may still be live: its session goes on and clips them at its end;
            // if it has ended, this run cuts them at once.
            format!(
                "; {} pending: cut at the stream's end, or now if it has ended",
                plural(r.clips, "clip")
            )
        }
    } else {
        String::new()
    };
    feed.send(Update::Recovered(format!(
        "Recovered after a crash: {} closed, {} finished{clips}",
        plural(r.sessions.len(), "session"),
        plural(r.recordings.len(), "recording")
    )));
    owed
}
