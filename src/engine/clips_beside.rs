//! Clips `kicktui clip` cut beside the live run (another terminal, while the stream goes on):
//! the TUI, the dashboard and `/api/state` hear of them as of a clip this run cut. The run's
//! own clips are known from its clipper's news; the live session's rows are read every
//! [`LOOK_EVERY`] for the rest (off the engine's task).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::time::Instant;

use super::update::ClipNews;
use crate::domain::Ts;
use crate::media::ClipState;
use crate::store::{ClipStatus, MomentQuery, Store};

const LOOK_EVERY: Duration = Duration::from_secs(15);

#[derive(Debug)]
pub struct ClipsBeside {
    /// Moments whose clip this run's clipper handles or has told of, or that were told here.
    known: HashSet<i64>,
    /// At the first look, a row stored before this run began (a resumed session's) that is
    /// cut already is old news, not a clip cut beside this run.
    looked: bool,
    began: Ts,
    next_look: Instant,
}

impl ClipsBeside {
    pub fn new(began: Ts) -> ClipsBeside {
        ClipsBeside {
            known: HashSet::new(),
            looked: false,
            began,
            next_look: Instant::now() + LOOK_EVERY,
        }
    }

    /// This run's clipper has this moment's clip in hand (asked for, or told of).
    pub fn ours(&mut self, moment_id: i64) {
        self.known.insert(moment_id);
    }

    /// When a look is due: the final clips of `session` no one here has told of yet.
    pub async fn look(&mut self, db: &Path, session: i64) -> Vec<ClipNews> {
        if Instant::now() < self.next_look {
            return Vec::new();
        }
        self.next_look = Instant::now() + LOOK_EVERY;
        let db = db.to_path_buf();
        let read = tokio::task::spawn_blocking(move || cut_clips(&db, session)).await;
        // The store's writer says when the database fails; a missed look is simply retried.
        let Ok(Ok(cut)) = read else {
            return Vec::new();
        };
        let first = !std::mem::replace(&mut self.looked, true);
        cut.into_iter()
            .filter(|c| self.known.insert(c.id) && !(first && c.stored < self.began))
            .map(|Cut { id, path, .. }| ClipNews {
                session,
                moment_id: Some(id),
                state: ClipState::AlreadyCut { path },
                progress: None,
            })
            .collect()
    }
}

struct Cut {
    id: i64,
    path: PathBuf,
    /// When the moment's row was stored.
    stored: Ts,
}

/// The session's moments cut in full or short whose clip file is there.
fn cut_clips(db: &Path, session: i64) -> Result<Vec<Cut>, String> {
    let store = Store::open(db).map_err(|e| e.to_string())?;
    let rows = store
        .list_moments(&MomentQuery::of_session(session))
        .map_err(|e| e.to_string())?;
    Ok(rows
        .into_iter()
        .filter(|r| matches!(r.clip_status, ClipStatus::Done | ClipStatus::Short))
        .filter_map(|r| {
            Some(Cut {
                id: r.id,
                path: PathBuf::from(r.clip_path?),
                stored: r.created_at,
            })
        })
        .filter(|c| c.path.is_file())
        .collect())
}
