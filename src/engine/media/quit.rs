//! Quitting with recordings running: the session tasks stopped, their pending clips cut or
//! left as the person chose.

use std::time::Duration;

use tokio::time::Instant;

use super::{Media, QuitClips};
use crate::engine::feed::Feed;
use crate::engine::record_session::{QUIT_CLIPS, SessionCmd};
use crate::engine::update::{RecorderNews, Update};

/// How long a session task past its deadline gets to say what it left.
const LAST_WORDS: Duration = Duration::from_secs(2);

impl Media {
    /// The front end asked the person at quit.
    pub fn set_at_quit(&mut self, choice: QuitClips) {
        self.at_quit = (choice, "answered at quit");
    }

    /// Quit: stops every recording (SIGTERM, then SIGKILL), cuts the session's pending clips
    /// or leaves them (as [`Media::set_at_quit`] or `[clips] cut_at_quit` says) within
    /// [`QUIT_CLIPS`], and forwards what the tasks say meanwhile.
    pub async fn shutdown(&mut self, feed: &Feed) {
        if self.links.is_empty() {
            return;
        }
        let (choice, why) = self.at_quit;
        for l in &self.links {
            let _ = l.cmds.send(SessionCmd::Quit {
                cut: choice == QuitClips::Cut,
                why,
            });
        }
        let grace = Duration::from_secs(u64::from(self.cfg.recorder.stop_timeout_seconds));
        let deadline = Instant::now() + grace + QUIT_CLIPS + Duration::from_secs(5);
        let mut tasks: Vec<_> = self.links.drain(..).map(|l| (l.id, l.task)).collect();
        {
            let all = futures_util::future::join_all(tasks.iter_mut().map(|(_, t)| t));
            tokio::pin!(all);
            let in_time = loop {
                tokio::select! {
                    _ = &mut all => break true,
                    Some(n) = self.news.recv() => {
                        self.forward(n, feed);
                    }
                    () = tokio::time::sleep_until(deadline) => break false,
                }
            };
            // A task's own 20 s for clips and this deadline can end together (the process
            // stopped meanwhile): a moment more lets it say which clips it left (its news is
            // drained below).
            if !in_time {
                let _ = tokio::time::timeout(LAST_WORDS, &mut all).await;
            }
        }
        // Said, not only logged: the person who answered "cut now" is told (the printer logs
        // it).
        for (session, _) in tasks.iter().filter(|(_, t)| !t.is_finished()) {
            feed.send(Update::Recorder(RecorderNews::QuitUnfinished {
                session: *session,
            }));
        }
        while let Ok(n) = self.news.try_recv() {
            self.forward(n, feed);
        }
    }
}
