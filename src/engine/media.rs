//! The engine's side of recording: whether it is on, the live state the recorder asks about
//! when streamlink ends, and one session task (recorder + clipper) per live session.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

mod clips;
mod quit;
mod tools;

pub use tools::check_tools;

use super::channel::ApiRequest;
use super::clips_beside::ClipsBeside;
use super::feed::Feed;
use super::record_session::{self, MediaNews, SessionCmd, SessionLink, SessionSetup};
use super::update::{RecorderNews, RecordingInfo, Update};
use crate::config::Config;
use crate::domain::Ts;
use crate::kickapi::{LiveSource, LiveStatus};
use crate::media::latest_url::LatestUrl;
use crate::media::recorder::stream_url;
use crate::media::{
    ClipperConfig, LiveCheck, RecState, RecorderConfig, RecordingStatus, StopReason,
};
use crate::store::{self, StoreHandle};

/// How long the recorder waits for a fresh answer to "still live?" before using the last one
/// (longer than the engine takes to confirm an "offline": an unconfirmed one is not passed
/// on).
const ASK_LIVE: Duration = Duration::from_secs(20);

/// "Is the channel still live?": asks the channel actor to poll now and takes its answer
/// (or, when none comes in time, the latest known state).
fn live_check(live: watch::Receiver<bool>, api: mpsc::Sender<ApiRequest>) -> LiveCheck {
    Arc::new(move || {
        let mut rx = live.clone();
        let api = api.clone();
        Box::pin(async move {
            rx.borrow_and_update();
            let _ = api.try_send(ApiRequest::PollNow);
            let _ = tokio::time::timeout(ASK_LIVE, rx.changed()).await;
            *rx.borrow()
        })
    })
}

/// Quitting while live: what happens to the session's clips not cut yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuitClips {
    /// Cut them now, within [`QUIT_CLIPS`](super::record_session::QUIT_CLIPS).
    Cut,
    /// Leave them pending for `kicktui clip --pending`.
    Leave,
}

pub struct Media {
    cfg: Config,
    /// The answer to "cut the pending clips?" at quit, and who gave it.
    at_quit: (QuitClips, &'static str),
    data_dir: PathBuf,
    channel: String,
    store: StoreHandle,
    api: mpsc::Sender<ApiRequest>,
    /// `None`: recording is on; else what the front ends were told.
    off: Option<RecorderNews>,
    live: watch::Sender<bool>,
    /// What said the latest live or offline (the API, the chat socket, the stream probe).
    pub(super) live_source: LiveSource,
    playback_url: Option<String>,
    /// The recorders' stream address, kept to the API's latest playback URL.
    latest_url: LatestUrl,
    /// A live session waiting for the API's playback URL (`use_playback_url`), and where an
    /// earlier run left its recording.
    waiting: Option<(i64, Option<RecordingStatus>)>,
    links: Vec<SessionLink>,
    /// Session tasks that crashed in this run (each goes on recording, up to a limit).
    crashes: u32,
    news_tx: mpsc::UnboundedSender<MediaNews>,
    pub(super) news: mpsc::UnboundedReceiver<MediaNews>,
    /// Clips `kicktui clip` cut beside this run, told to the front ends too.
    beside: ClipsBeside,
}

/// A session task that keeps crashing is a bug, not bad luck: after this many, recording
/// stays off (the moments can still be clipped later with `kicktui clip`).
const MAX_CRASHES: u32 = 3;

impl Media {
    /// `tools`: the result of [`check_tools`] (ignored when recording is disabled).
    pub fn new(
        cfg: &Config,
        data_dir: PathBuf,
        channel: &str,
        store: StoreHandle,
        api: mpsc::Sender<ApiRequest>,
        tools: Result<(), String>,
    ) -> Media {
        let off = match (cfg.recorder.enabled, tools) {
            (false, _) => Some(RecorderNews::Disabled),
            (true, Err(why)) => Some(RecorderNews::Off(why)),
            (true, Ok(())) => None,
        };
        let (news_tx, news) = mpsc::unbounded_channel();
        let at_quit = if cfg.clips.cut_at_quit {
            // The demo sets it whatever the user's config says: not the user's setting then.
            let why = if crate::demo::is_demo_dir(&data_dir) {
                "the demo cuts them at quit"
            } else {
                "[clips] cut_at_quit = true"
            };
            (QuitClips::Cut, why)
        } else {
            (QuitClips::Leave, "[clips] cut_at_quit = false")
        };
        Media {
            cfg: cfg.clone(),
            at_quit,
            data_dir,
            channel: channel.to_string(),
            store,
            api,
            off,
            live: watch::channel(false).0,
            live_source: LiveSource::Unknown,
            playback_url: None,
            latest_url: LatestUrl::default(),
            waiting: None,
            links: Vec::new(),
            crashes: 0,
            beside: ClipsBeside::new(crate::time::wall_now()),
            news_tx,
            news,
        }
    }

    /// What to tell the front ends at start.
    pub fn announce(&self) -> Update {
        Update::Recorder(self.off.clone().unwrap_or(RecorderNews::Armed))
    }

    pub fn is_on(&self) -> bool {
        self.off.is_none()
    }

    /// Why recording is off although it is enabled (a tool missing), if it is.
    pub fn off_because(&self) -> Option<&str> {
        match &self.off {
            Some(RecorderNews::Off(why)) => Some(why),
            _ => None,
        }
    }

    /// Recording is off for the whole run (`--no-record`, or a tool missing): no moment of it
    /// will ever have a clip.
    pub fn never_records(&self) -> bool {
        matches!(
            self.off,
            Some(RecorderNews::Disabled | RecorderNews::Off(_))
        )
    }

    /// Every API answer (also an unchanged one: the recorder may be waiting for it).
    pub fn on_api(&mut self, s: &LiveStatus) {
        if s.playback_url.is_some() {
            self.playback_url.clone_from(&s.playback_url);
            if self.cfg.recorder.use_playback_url {
                let url = stream_url(&self.cfg.recorder, &self.channel, s.playback_url.as_deref());
                self.latest_url.set(url);
            }
        }
        self.live.send_replace(s.is_live);
        self.live_source = s.source;
        if s.is_live
            && let Some((id, before)) = self.waiting.take()
        {
            self.start_from(id, before);
        }
    }

    /// Live or offline news from chat (the API's come through [`Media::on_api`]).
    pub fn set_live(&mut self, live: bool) {
        self.live.send_replace(live);
    }

    /// The channel went live and `session` is open: start recording it. `before`: where an
    /// earlier run left the session's recording (it crashed mid-stream); the new parts
    /// follow its parts, and clips use them all.
    pub fn go_live(&mut self, session: i64, before: Option<RecordingStatus>) {
        self.live.send_replace(true);
        if !self.is_on() || self.links.iter().any(|l| l.id == session) {
            return;
        }
        if self.cfg.recorder.use_playback_url && self.playback_url.is_none() {
            // The chat said live first: the next API answer brings the URL.
            self.waiting = Some((session, before));
            let _ = self.api.try_send(ApiRequest::PollNow);
            return;
        }
        self.start_from(session, before);
    }

    fn start_from(&mut self, id: i64, resume: Option<RecordingStatus>) {
        let link = record_session::spawn(self.setup(id, resume));
        self.links.push(link);
    }

    /// A session whose stream ended while kicktui was down (a crash): its moments without a
    /// clip are cut from the parts the crashed run wrote (`before`), as at a stream's end.
    /// False when this run cannot cut (recording is off): they stay for `kicktui clip`.
    pub fn clip_ended(&mut self, id: i64, before: RecordingStatus) -> bool {
        if !self.is_on() {
            return false;
        }
        if !self.has_session(id) {
            let link = record_session::spawn_ended(self.setup(id, Some(before)));
            self.links.push(link);
        }
        true
    }

    fn setup(&self, id: i64, resume: Option<RecordingStatus>) -> SessionSetup {
        let mut recorder = RecorderConfig::from_config(
            &self.cfg.recorder,
            &self.data_dir,
            &self.channel,
            self.playback_url.as_deref(),
        );
        recorder.latest_url = self.latest_url.clone();
        let clipper = ClipperConfig::from_config(&self.cfg, &self.data_dir, &self.channel, id);
        SessionSetup {
            id,
            recorder,
            clipper,
            store: self.store.clone(),
            is_live: live_check(self.live.subscribe(), self.api.clone()),
            db: store::db_path(&self.data_dir),
            health_every: Duration::from_secs(u64::from(
                self.cfg.recorder.health_interval_seconds.max(1),
            )),
            news: self.news_tx.clone(),
            resume,
        }
    }

    /// The channel went offline: the live session's recording ends, then its moments are clipped.
    pub fn end(&mut self) {
        self.live.send_replace(false);
        self.waiting = None;
        for l in self.links.iter_mut().filter(|l| !l.ended) {
            l.ended = true;
            let _ = l.cmds.send(SessionCmd::End);
        }
    }

    /// A key press at `at`: while recording, the moment is what the viewer saw, i.e. the
    /// newest recorded content minus the reaction delay.
    pub fn mark_time(&self, at: Ts) -> Ts {
        let newest = self
            .links
            .iter()
            .filter(|l| !l.ended)
            .find_map(|l| keeping_up(&l.status.borrow()));
        mark_time(at, newest, self.cfg.clips.reaction_delay_seconds)
    }

    /// Whether a session task is at work on `session` (recording or cutting its clips).
    pub fn has_session(&self, session: i64) -> bool {
        self.links.iter().any(|l| l.id == session)
    }

    /// Whether `session` is still being recorded (its task was not told to end).
    fn recording(&self, session: i64) -> bool {
        self.links.iter().any(|l| l.id == session && !l.ended)
    }

    /// Hands a session task's news to the front end; the session whose task has ended.
    pub(super) fn forward(&mut self, news: MediaNews, feed: &Feed) -> Option<i64> {
        match news {
            MediaNews::Send(Update::Clip(n)) => {
                if let Some(id) = n.moment_id {
                    self.beside.ours(id);
                }
                // The fronts and the notifier take it from the feed.
                if n.state.path().is_some() {
                    tracing::debug!(
                        "clip ready for moment {:?} of session {}",
                        n.moment_id,
                        n.session
                    );
                }
                feed.send(Update::Clip(n));
            }
            MediaNews::Send(u) => feed.send(u),
            MediaNews::CutBeside { session, cut } => {
                for n in self.beside.fresh(session, cut) {
                    feed.send(Update::Clip(n));
                }
            }
            MediaNews::Snapshot(u) => feed.send(u),
            MediaNews::Done(id) => {
                self.links.retain(|l| l.id != id);
                return Some(id);
            }
            MediaNews::Crashed { id, why, last } => {
                // Not restarted: that session's task is over too.
                if !self.crashed(id, &why, last, feed) {
                    return Some(id);
                }
            }
        }
        None
    }

    /// A session task panicked and its recording stopped: go on recording the session in a
    /// new part (its earlier parts stay known for clips) while it is live.
    /// True when it records again: only a session still being recorded (not one told to end,
    /// whose stream is over, nor one that quit drained).
    fn crashed(&mut self, id: i64, why: &str, last: RecordingStatus, feed: &Feed) -> bool {
        let recording = self.recording(id);
        self.links.retain(|l| l.id != id);
        self.crashes += 1;
        let wanted = recording && *self.live.borrow();
        let again = wanted && self.crashes <= MAX_CRASHES;
        let next = if again {
            "recording again in a new part"
        } else {
            "not restarting it; `kicktui clip --session` cuts its moments later"
        };
        let line = format!("The recording task of session {id} crashed ({why}); {next}");
        tracing::error!("{line}");
        feed.send(Update::Note(line));
        if again {
            self.start_from(id, Some(last));
        } else {
            // Its last state ("recording") would stay on the panes and the dashboard.
            feed.send(Update::Recording(given_up(id, &last, wanted, self.crashes)));
        }
        again
    }
}

/// What the front ends show of a session whose task crashed and is not restarted: recording
/// failed when it was meant to go on (`wanted`: live, not ending), else stopped (the stream
/// was over or ending anyway).
fn given_up(id: i64, last: &RecordingStatus, wanted: bool, crashes: u32) -> RecordingInfo {
    let state = if wanted {
        let why = format!("the recording task crashed {crashes} times; not restarted");
        RecState::Stopped(StopReason::Failed(why))
    } else {
        RecState::Stopped(StopReason::Requested)
    };
    RecordingInfo {
        session: id,
        state,
        part: last.part,
        path: last.path.clone(),
        bytes: last.bytes,
        ..RecordingInfo::default()
    }
}

/// The newest recorded content of a recording that keeps up with the stream. One that cannot
/// write, has stalled or crashed is behind by however long that lasts (a full disk put a mark
/// 26 s before the key): it says nothing of what the viewer sees now.
fn keeping_up(status: &RecordingStatus) -> Option<Ts> {
    let behind = matches!(
        status.state,
        RecState::Unwritable(_) | RecState::Stalled | RecState::Crashed(_)
    );
    (!behind).then(|| status.newest_content()).flatten()
}

/// A recording whose newest content is this far behind the key is not keeping up with the
/// stream (a full disk, a stall): it says nothing of what the viewer saw.
const STALE_RECORDING_S: f64 = 60.0;

/// Where a key press at `at` puts a mark: what the viewer saw `reaction_delay_s` before the
/// key. That is the newest recorded content (the recording lags live about as much as a
/// player) or, without a recording that keeps up, the key's own time.
fn mark_time(at: Ts, newest: Option<Ts>, reaction_delay_s: u32) -> Ts {
    let seen = match newest {
        Some(newest) if at.secs_since(newest) <= STALE_RECORDING_S => newest.min(at),
        _ => at,
    };
    seen.plus_secs(-f64::from(reaction_delay_s))
}

#[cfg(test)]
#[path = "media_tests.rs"]
mod tests;
