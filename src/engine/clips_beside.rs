//! Clips `kicktui clip` cut beside the live run (another terminal, while the stream goes on):
//! the TUI, the dashboard and `/api/state` hear of them as of a clip this run cut. The run's
//! own clips are known from its clipper's news; the live session's rows are read every
//! [`LOOK_EVERY`] for the rest, in a blocking task of their own.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::record_session::MediaNews;
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

    /// When a look is due, reads `session`'s cut clips off the engine's task (the chat path
    /// never waits on it); the answer comes back through `news` for [`ClipsBeside::fresh`].
    pub fn look(&mut self, data_dir: &Path, session: i64, news: &mpsc::UnboundedSender<MediaNews>) {
        if Instant::now() < self.next_look {
            return;
        }
        self.next_look = Instant::now() + LOOK_EVERY;
        let db = crate::store::db_path(data_dir);
        let news = news.clone();
        tokio::task::spawn_blocking(move || {
            // The store's writer says when the database fails; a missed look is retried.
            if let Ok(cut) = cut_clips(&db, session) {
                let _ = news.send(MediaNews::CutBeside { session, cut });
            }
        });
    }

    /// The clips of a look that no one here has told of yet.
    pub fn fresh(&mut self, session: i64, cut: Vec<Cut>) -> Vec<ClipNews> {
        let first = !std::mem::replace(&mut self.looked, true);
        cut.into_iter()
            .filter(|c| self.known.insert(c.id) && !(first && c.stored < self.began))
            .map(
                |Cut {
                     id, path, short, ..
                 }| ClipNews {
                    session,
                    moment_id: Some(id),
                    state: ClipState::AlreadyCut { path, short },
                    progress: None,
                },
            )
            .collect()
    }
}

/// A moment's clip found cut in the database.
#[derive(Debug)]
pub struct Cut {
    id: i64,
    path: PathBuf,
    /// Cut short (part of its window was not recorded).
    short: bool,
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
                short: r.clip_status == ClipStatus::Short,
                stored: r.created_at,
            })
        })
        .filter(|c| c.path.is_file())
        .collect())
}
