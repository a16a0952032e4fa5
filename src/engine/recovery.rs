//! At the start of a live run: repairs what a crash left of this channel's last run and says
//! so (the log, and a note the front ends show).

use std::path::Path;

use super::feed::Feed;
use super::update::Update;
use crate::present::plural;
use crate::store::StoreError;
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
        // A database that does not open stops the run right after, saying this very error:
        // said here too, the person read the same long line twice.
        Err(
            e @ (StoreError::Open { .. }
            | StoreError::TooNew { .. }
            | StoreError::OldReadOnly { .. }
            | StoreError::Io { .. }),
        ) => {
            tracing::debug!("cannot repair the previous run's rows: {e}");
            return OwedReports::default();
        }
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
    let wait_for_stream = !r.streams.is_empty() && records;
    feed.send(Update::Recovered(recovered_note(
        r.sessions.len(),
        r.recordings.len(),
        r.clips,
        wait_for_stream,
    )));
    owed
}

/// The recovery's one line. The pending clips come first: they need doing, and an 80-column
/// hint bar cut the line before them. `wait_for_stream`: the stream may still be live, so its
/// session goes on and clips them at its end (or this run does at once if it has ended).
fn recovered_note(
    sessions: usize,
    recordings: usize,
    clips: usize,
    wait_for_stream: bool,
) -> String {
    let repaired = format!(
        "{} closed, {} finished",
        plural(sessions, "session"),
        plural(recordings, "recording")
    );
    if clips == 0 {
        return format!("Recovered after a crash: {repaired}");
    }
    let how = if wait_for_stream {
        "cut at the stream's end, or now if it has ended".to_string()
    } else {
        let it = if clips == 1 { "it" } else { "them" };
        format!(
            "{} cuts {it}",
            crate::present::later_command("clip --pending")
        )
    };
    format!(
        "Recovered after a crash: {} pending ({how}); {repaired}",
        plural(clips, "clip")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What needs doing fits first: an 80-column hint bar leaves the message about 62
    /// columns beside "? help  q quit".
    #[test]
    fn the_pending_clips_come_first() {
        for wait in [true, false] {
            let note = recovered_note(2, 1, 3, wait);
            let shown: String = note.chars().take(62).collect();
            assert!(shown.contains("3 clips pending"), "{shown}");
            assert!(
                note.ends_with("; 2 sessions closed, 1 recording finished"),
                "{note}"
            );
        }
        assert_eq!(
            recovered_note(1, 1, 0, true),
            "Recovered after a crash: 1 session closed, 1 recording finished"
        );
        assert!(recovered_note(1, 0, 1, false).contains("clip --pending cuts it)"));
    }
}
