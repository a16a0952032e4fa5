//! The live engine: one task owning the pure [`Core`]. It selects over chat, API news, a 1 s
//! tick, front-end commands and cancellation; turns effects into store writes and updates.
//! A moment is announced as saved only after the database has committed it.

use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

use super::capture::Capture;
use super::channel::{ApiNews, ApiRequest};
use super::core::{Core, Effect};
use super::engage::Switcher;
use super::feed::Feed;
use super::media::{Media, QuitClips};
use super::sessions::Sessions;
use super::update::{Snapshot, Summary, Update};
use crate::domain::{Event, Ts};
use crate::kickapi::LiveSource;
use crate::source::{ChatState, SourceMsg};
use crate::store::{StoreHandle, WriteOp};
use crate::time::wall_now;

/// What a front end (the TUI) can ask of the engine.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// `at`: when the key was pressed (the engine may see the command a little later).
    MarkMoment {
        at: Ts,
        note: Option<String>,
    },
    /// Clip the stored moment with this row id (`c`).
    ClipMoment {
        id: i64,
    },
    /// `x`: the stored moment's clip is skipped (not cut at the stream's end nor by `clip
    /// --pending`), or wanted again (`skip` false).
    SkipClip {
        id: i64,
        skip: bool,
    },
    /// The streamer changed activity (a bandit arm, by name).
    SetActivity {
        name: String,
    },
    /// The demo's simulated streamer changed activity: said as its doing, and ignored once
    /// the person at the keys has picked one (theirs wins, even when both come at once).
    SimulatedActivity {
        name: String,
    },
    /// For the co-pilot (`copilot.rs` answers these before the engine sees them).
    Copilot(super::copilot::CopilotCmd),
    Quit,
    /// The answer to "cut the session's pending clips now?", sent before quitting.
    AtQuit(QuitClips),
}

/// Everything the engine listens to.
pub struct Inputs {
    pub source: mpsc::Receiver<SourceMsg>,
    pub chat_state: watch::Receiver<ChatState>,
    pub api: mpsc::Receiver<ApiNews>,
    pub commands: mpsc::Receiver<Command>,
}

/// How the engine ended.
#[derive(Debug)]
pub struct EngineEnd {
    pub summary: Summary,
    /// The run could not do its job (e.g. the channel does not exist).
    pub fatal: Option<String>,
}

pub struct Engine {
    pub(super) core: Core,
    pub(super) channel: String,
    pub(super) sessions: Sessions,
    pub(super) store: StoreHandle,
    pub(super) feed: Feed,
    pub(super) media: Media,
    pub(super) capture: Option<Capture>,
    pub(super) api: mpsc::Sender<ApiRequest>,
    pub(super) summary: Summary,
    pub(super) viewers: Option<u32>,
    /// The chat socket's and the API's word on live state, weighed.
    pub(super) live_state: super::live_state::LiveState,
    pub(super) dropped_writes: u64,
    /// The moment shown while building (its row id, if stored), until it is final.
    pub(super) building: Option<Option<i64>>,
    /// `c` on the building moment (this row id): its clip is asked for once it is final, so
    /// the clip covers the final window, not the first one.
    pub(super) clip_when_final: Option<i64>,
    /// `[chat] window_seconds`: how recent a chat trigger must be to call chat spiking.
    pub(super) spike_window_ms: i64,
    /// Activities, the bandit, the context line, the report.
    pub(super) engage: super::engage::EngageHook,
    /// The advisor's recent chat lines (only with `[general] store_chat_text` on).
    pub(super) advisor_chat: Option<crate::advisor::RecentChat>,
    pub(super) wake: super::wake_watch::WakeWatch,
}

impl Engine {
    pub async fn run(mut self, mut inputs: Inputs, cancel: CancellationToken) -> EngineEnd {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
        // The channel's name before anything else: a "went live" at the first API answer
        // (starting while live) is told with it, not as " is LIVE".
        self.feed.send(Update::Snapshot(self.snapshot(wall_now())));
        self.engage_start(wall_now()).await;
        // No chat until the source connects (and the ids may take minutes): those seconds
        // are a gap, not a quiet chat. The first connection's SourceUp ends it.
        let at = wall_now();
        let event = Event::SourceDown;
        self.on_source(SourceMsg::Event { at, event }).await;
        let fatal = loop {
            // Every input below starts with `woke`: a sleep is measured from here.
            self.wake.idle(super::wake_watch::boot_ms());
            // Biased, the source first: chat carries the times it came, the other inputs
            // happen now. Chat that queued up while the engine waited (a moment's commit on
            // a failing disk) must go in before a tick or an API answer moves the core to
            // now, or it all lands in this second: a spike that never was.
            tokio::select! {
                biased;
                _ = cancel.cancelled() => {
                    // Stopped after a sleep (`kill` of a stopped job): the gap, not silence.
                    self.woke().await;
                    break None;
                }
                Some(msg) = inputs.source.recv() => self.on_source(msg).await,
                Some(news) = inputs.api.recv() => {
                    if let Some(why) = self.on_news(news).await {
                        break Some(why);
                    }
                }
                Ok(()) = inputs.chat_state.changed() => {
                    self.woke().await;
                    let state = inputs.chat_state.borrow_and_update().clone();
                    self.feed.send(Update::ChatState(state));
                }
                Some(cmd) = inputs.commands.recv() => {
                    if self.on_command(cmd).await {
                        break None;
                    }
                }
                Some(news) = self.media.news.recv() => {
                    self.woke().await;
                    let done = self.media.forward(news, &self.feed);
                    let waiting = &mut self.engage.report_after_clips;
                    if let Some(i) = done.and_then(|d| waiting.iter().position(|&w| w == d)) {
                        let id = waiting.swap_remove(i);
                        self.engage_report(Some(id), true).await;
                    }
                }
                _ = tick.tick() => self.on_tick(wall_now()).await,
            }
        };
        // What the front end sent just before it stopped us (the answer at quit, a last mark).
        while let Ok(cmd) = inputs.commands.try_recv() {
            self.on_command(cmd).await;
        }
        self.finish(fatal).await
    }

    /// Carries out a front end's command; true for `Quit`.
    async fn on_command(&mut self, cmd: Command) -> bool {
        self.woke().await;
        match cmd {
            Command::Quit => return true,
            Command::MarkMoment { at, note } => {
                let at = self.media.mark_time(at);
                let m = self.core.mark(at, note.as_deref());
                self.apply(vec![Effect::Moment(m)]).await;
            }
            Command::ClipMoment { id } => self.clip_moment(id).await,
            Command::SkipClip { id, skip } => self.skip_clip(id, skip).await,
            Command::SetActivity { name } => {
                let said = self.engage.switch_by(Switcher::Person);
                if let Some(said) = said {
                    self.set_activity(&name, wall_now(), said).await;
                }
            }
            Command::SimulatedActivity { name } => {
                if let Some(said) = self.engage.switch_by(Switcher::DemoStreamer) {
                    self.set_activity(&name, wall_now(), said).await;
                }
            }
            Command::AtQuit(choice) => self.media.set_at_quit(choice),
            // Only reaches the engine when the co-pilot is off: nothing to do.
            Command::Copilot(_) => {}
        }
        false
    }

    async fn on_source(&mut self, msg: SourceMsg) {
        self.woke().await;
        match msg {
            SourceMsg::Event { at, event } => {
                self.chat_back_after_sleep(at, Some(&event)).await;
                // Before the live state and the recorder hear of it.
                if let Event::Offline { stream_id, .. } = event
                    && let Some(live) = self.core.other_live_broadcast(stream_id)
                {
                    tracing::info!(
                        "the chat socket says another broadcast than {live} ended: ignored (a \
                         late frame)"
                    );
                    return;
                }
                if matches!(event, Event::Live { .. } | Event::Offline { .. }) {
                    let live = matches!(event, Event::Live { .. });
                    self.live_state.socket_said(live, at);
                    let _ = self.api.try_send(ApiRequest::SocketSaid { live });
                    self.media.live_source = LiveSource::Socket;
                }
                if let (Some(recent), Event::Chat(m)) = (&self.advisor_chat, &event) {
                    recent.push(m);
                }
                let dropped = self.core.totals.implausible;
                let effects = self.core.on_event(at, &event);
                if self.core.totals.implausible > dropped {
                    // The core dropped it: counted and said like any malformed frame.
                    self.malformed(&format!("implausible {} amount", event.name()));
                }
                self.apply(effects).await;
            }
            SourceMsg::Frame { at, text } => {
                if let Some(c) = &self.capture
                    && !c.frame(at, &text)
                {
                    tracing::debug!("capture is behind; a frame was not written");
                }
            }
            // A note is logged where it is shown: once (a line of its own doubled it).
            SourceMsg::Notice { text } => self.feed.send(Update::Note(text)),
            SourceMsg::Malformed { at: _, error } => self.malformed(&error.to_string()),
        }
    }

    fn malformed(&mut self, error: &str) {
        self.summary.malformed_frames += 1;
        let n = self.summary.malformed_frames;
        if n.is_power_of_two() {
            tracing::warn!("malformed frame skipped ({n} so far): {error}");
        }
    }

    async fn on_tick(&mut self, now: Ts) {
        self.woke().await;
        self.chat_back_after_sleep(now, None).await;
        let effects = self.core.on_tick(now);
        self.apply(effects).await;
        if let Some(session) = self.sessions.current_live() {
            self.media.look_for_clips_beside(session);
        }
        let mut snapshot = self.snapshot(now);
        snapshot.engage = Box::new(self.engage_view(now));
        self.feed.send(Update::Snapshot(snapshot));
    }

    fn snapshot(&self, now: Ts) -> Snapshot {
        let live = self.core.totals.is_live;
        let db = self.store.stats();
        Snapshot {
            live,
            db_failing: db.failing,
            db_lost: db.failed,
            uptime_s: live.then(|| self.core.offset_of(now)),
            viewers: self.viewers,
            malformed_frames: self.summary.malformed_frames,
            live_source: self.media.live_source,
            // Fired within the last window, not just "a moment is still open".
            chat_spike: self.core.chat_spiking(now, self.spike_window_ms),
            ..Snapshot::from_core(&self.core, now, &self.channel)
        }
    }

    /// Closes the open moment and the session, flushes the store, says goodbye.
    async fn finish(mut self, fatal: Option<String>) -> EngineEnd {
        self.report_held(false).await;
        let now = wall_now();
        let effects = self.core.finish(now);
        self.apply(effects).await;
        let ended = self.engage_session_ending(now, false).await;
        let report = ended.filter(|_| self.sessions.worth_a_report());
        if let (Some(id), None) = (ended, report) {
            tracing::info!("session {id} never went live and has no moment: no report");
        }
        self.owe_report(report).await;
        // Stopped while the stream is live: a restart during the same stream goes on with it.
        if self.core.totals.is_live
            && let Some(id) = self.sessions.current()
            && let Err(e) = self.store.send(WriteOp::LeftLive { session_id: id }).await
        {
            tracing::warn!("session {id}: not marked as left while live: {e}");
        }
        // Closed before the slow part: a second Ctrl-C while clips are cut (or systemd's
        // kill after its stop timeout) left it open, later called a crash.
        self.sessions.close(now).await;
        if let Err(e) = self.store.flush().await {
            tracing::error!("store flush at shutdown: {e}");
        }
        // streamlink stopped, queued clips cut (or left pending for the next start).
        self.media.shutdown(&self.feed).await;
        // An ended stream's report that was waiting for its clips.
        for id in std::mem::take(&mut self.engage.report_after_clips) {
            self.engage_report(Some(id), true).await;
        }
        if let Err(e) = self.store.flush().await {
            tracing::error!("store flush at shutdown: {e}");
        }
        self.engage_report(report, false).await;
        self.summary.chat_messages = self.core.totals.chat_messages;
        tracing::info!("{}", self.summary);
        self.feed.send(Update::Finished(self.summary.clone()));
        EngineEnd {
            summary: self.summary,
            fatal,
        }
    }
}
