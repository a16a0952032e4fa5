//! `c` on a stored moment, and clips `kicktui clip` cut beside the run: what the front ends
//! are told of clips that do not come from a session task's own news.

use super::Media;
use crate::engine::record_session::SessionCmd;
use crate::engine::update::{ClipNews, RecorderNews, Update};
use crate::media::{ClipRequest, ClipState};
use crate::store::{self, Store};

impl Media {
    /// `c` on a stored moment: its session's clipper cuts it (waiting for its window if
    /// needed). An update when it cannot.
    pub async fn clip_moment(&mut self, id: i64) -> Option<Update> {
        self.beside.ours(id);
        let db = store::db_path(&self.data_dir);
        // The row, and its clip file if that is still there (read off the engine's task).
        let row = tokio::task::spawn_blocking(move || {
            let row = Store::open(&db)?.moment(id)?;
            Ok::<_, store::StoreError>(row.map(|r| {
                let file = r
                    .clip_path
                    .as_ref()
                    .map(std::path::PathBuf::from)
                    .filter(|p| p.is_file());
                (r, file)
            }))
        })
        .await;
        let fail = |session: i64, why: String| {
            Some(Update::Clip(ClipNews {
                session,
                moment_id: Some(id),
                state: ClipState::Failed(why),
                progress: None,
            }))
        };
        let (row, clip_file) = match row {
            Ok(Ok(Some(found))) => found,
            Ok(Ok(None)) => return fail(0, format!("moment #{id} is not in the database")),
            Ok(Err(e)) => return fail(0, format!("cannot read moment #{id}: {e}")),
            Err(e) => return fail(0, format!("cannot read moment #{id}: {e}")),
        };
        let session = row.session_id;
        // Cut already (by this run, or by `kicktui clip` beside it): say where, cut nothing.
        // A short one is cut again only while its session records (more may come).
        let final_cut = match row.clip_status {
            store::ClipStatus::Done => true,
            store::ClipStatus::Short => !self.recording(session),
            _ => false,
        };
        if final_cut && let Some(path) = clip_file {
            return Some(Update::Clip(ClipNews {
                session,
                moment_id: Some(id),
                state: ClipState::AlreadyCut {
                    path,
                    short: row.clip_status == store::ClipStatus::Short,
                },
                progress: None,
            }));
        }
        if let Some(off) = &self.off {
            let why = match off {
                RecorderNews::Off(why) => why.clone(),
                _ => "recording is off".into(),
            };
            return fail(session, why);
        }
        match self.links.iter().find(|l| l.id == session) {
            Some(l) => {
                let _ = l.cmds.send(SessionCmd::Clip(ClipRequest::for_moment(&row)));
                None
            }
            None => fail(
                session,
                format!(
                    "session {session} is not being recorded now; try `kicktui clip --session {session}`"
                ),
            ),
        }
    }

    /// Looks (every 15 s, off the engine's task) for clips of the live `session` that
    /// `kicktui clip` cut beside this run; [`Media::forward`] tells the front ends.
    pub fn look_for_clips_beside(&mut self, session: i64) {
        self.beside.look(&self.data_dir, session, &self.news_tx);
    }
}

#[cfg(test)]
mod tests {
    use tokio::sync::mpsc;

    use super::*;
    use crate::config::Config;
    use crate::domain::Ts;

    #[tokio::test]
    async fn a_moment_clipped_already_is_not_cut_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let writer = store::StoreWriter::spawn(&store::db_path(dir.path())).expect("db");
        let h = writer.handle();
        let clip = dir.path().join("clip.mp4");
        std::fs::write(&clip, b"mp4").expect("write");
        let (session, id) = {
            let h = h.clone();
            let clip = clip.clone();
            tokio::task::spawn_blocking(move || {
                let session = h.open_session_blocking(store::NewSession {
                    channel: "x".into(),
                    platform: "kick".into(),
                    started_at: Ts(0),
                    title: None,
                    stream_started_at: None,
                    stream_id: None,
                })?;
                let mut core = crate::engine::core::Core::new(
                    &Config::default(),
                    crate::engine::effect::OffsetBase::FirstEvent,
                );
                let id = h.insert_moment_blocking(session, &core.mark(Ts(60_000), None))?;
                // As `kicktui clip --moment` beside the live run leaves it.
                let path = clip.display().to_string();
                h.update_clip_blocking(id, store::ClipStatus::Done, Some(path))?;
                Ok::<_, store::StoreError>((session, id))
            })
            .await
            .expect("join")
            .expect("store")
        };
        let (api, _api_rx) = mpsc::channel(1);
        let mut cfg = Config::default();
        cfg.recorder.enabled = false;
        let mut media = Media::new(&cfg, dir.path().into(), "x", h, api, Ok(()));
        match media.clip_moment(id).await {
            Some(Update::Clip(ClipNews {
                session: s,
                state: ClipState::AlreadyCut { path, short: false },
                ..
            })) => assert_eq!((s, path.clone()), (session, clip.clone())),
            other => panic!("{other:?}"),
        }
        // A short clip of a session no longer recorded is as long as it will get.
        let h = media.store.clone();
        let path = clip.display().to_string();
        tokio::task::spawn_blocking(move || {
            h.update_clip_blocking(id, store::ClipStatus::Short, Some(path))
        })
        .await
        .expect("join")
        .expect("store");
        assert!(matches!(
            media.clip_moment(id).await,
            Some(Update::Clip(ClipNews {
                state: ClipState::AlreadyCut { short: true, .. },
                ..
            }))
        ));
        drop(media);
        tokio::task::spawn_blocking(move || writer.shutdown())
            .await
            .expect("join")
            .expect("shutdown");
    }
}
