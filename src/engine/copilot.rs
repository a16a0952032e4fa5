//! The co-pilot in a live run: the advisor (`[advisor]`) and the chat voice (`[bot]`), both
//! optional. The front ends' co-pilot commands are taken out of the engine's command stream
//! here (ask now, dismiss, approve a chat line); everything else passes through untouched.
//! A supervised relay puts advice and the advisor's status on the feed, and sends "clip saved"
//! and `!clip` answers to the chat voice.

use std::path::Path;
use std::sync::Arc;

use tokio::sync::{Mutex, mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::feed::{Feed, FeedRx};
use super::runner::Command;
use super::update::{RecorderNews, Update};
use crate::advisor::{Advice, AdvisorCmd, AdvisorHandle, AdvisorStatus, RecentChat};
use crate::bot::{BotEvent, BotHandle, Priority};
use crate::config::Config;
use crate::domain::{ManualData, Moment, TriggerData, Ts};
use crate::media::ClipState;
use crate::store::StoreHandle;
use crate::supervise::{Restart, spawn_supervised};
use crate::time::format_hms;

/// What a front end asks of the co-pilot (inside [`Command::Copilot`]).
#[derive(Clone, Debug, PartialEq)]
pub enum CopilotCmd {
    /// Ask the advisor now (within its budget and backoff).
    AskNow,
    /// The streamer dismissed the advice.
    Dismiss,
    /// The streamer kept a moment the advisor suggested: marked at `at`.
    MarkMoment { at: Ts, reason: String },
    /// The streamer approved an advisor chat line for the chat voice.
    ApproveChat(String),
}

/// What the engine gets from the co-pilot.
pub struct Copilot {
    /// The command stream the engine reads (the front end's own when the co-pilot is off).
    pub commands: mpsc::Receiver<Command>,
    /// Where chat lines go for the advisor: only with `[general] store_chat_text` on.
    pub chat_lines: Option<RecentChat>,
}

/// Starts what `[advisor]` and `[bot]` turn on.
pub fn start(
    cfg: &Config,
    data_dir: &Path,
    feed: &Feed,
    store: &StoreHandle,
    commands: mpsc::Receiver<Command>,
    tasks: CancellationToken,
) -> Copilot {
    let advisor = crate::advisor::start(cfg, data_dir, feed, Some(store.clone()), tasks.clone());
    let bot = crate::bot::start(cfg, data_dir, tasks.clone());
    if advisor.is_none() && bot.is_none() {
        return Copilot {
            commands,
            chat_lines: None,
        };
    }
    let (advisor, advice) = advisor.unzip();
    let chat_lines = advisor.as_ref().and_then(AdvisorHandle::recent_chat);
    let (bot, bot_events) = bot.unzip();
    let (engine_tx, engine_rx) = mpsc::channel(16);
    let forward = Arc::new(Mutex::new(Forward {
        commands,
        engine: Some(engine_tx),
        advisor: advisor.clone(),
        bot: bot.clone(),
        feed: feed.clone(),
    }));
    let cancel = tasks.clone();
    spawn_supervised(
        "co-pilot commands",
        tasks.clone(),
        Restart::default(),
        move || {
            let (forward, cancel) = (forward.clone(), cancel.clone());
            async move { forward.lock().await.run(&cancel).await }
        },
        super::supervised::tell(feed.clone(), "co-pilot's command relay"),
    );
    let relay = Relay {
        feed: feed.clone(),
        updates: feed.subscribe(),
        status: advisor.as_ref().map(AdvisorHandle::status),
        advice,
        bot,
        bot_events,
        recording: cfg.recorder.enabled,
    };
    let relay = Arc::new(Mutex::new(relay));
    let cancel = tasks.clone();
    spawn_supervised(
        "copilot",
        tasks,
        Restart::default(),
        move || {
            let (relay, cancel) = (relay.clone(), cancel.clone());
            async move { relay.lock().await.run(&cancel).await }
        },
        |_, _| {},
    );
    Copilot {
        commands: engine_rx,
        chat_lines,
    }
}

/// Passes commands to the engine, answering the co-pilot's own. Supervised: its channels
/// outlive a crashed run, so the keys keep working.
struct Forward {
    commands: mpsc::Receiver<Command>,
    /// Dropped when the front end is gone, so the engine sees its command stream end too.
    engine: Option<mpsc::Sender<Command>>,
    advisor: Option<AdvisorHandle>,
    bot: Option<BotHandle>,
    feed: Feed,
}

impl Forward {
    async fn run(&mut self, cancel: &CancellationToken) {
        self.pass().await;
        // The engine or the front end is gone: nothing left to restart.
        self.engine = None;
        cancel.cancelled().await;
    }

    /// Until the engine (its receiver gone) or the front end (its sender gone) ends, so a
    /// `Quit` always gets through.
    async fn pass(&mut self) {
        let Forward {
            commands,
            engine,
            advisor,
            bot,
            feed,
        } = self;
        let Some(engine) = engine else { return };
        let note = |t: &str| feed.send(Update::Note(t.to_string()));
        while let Some(c) = commands.recv().await {
            let c = match c {
                Command::Copilot(CopilotCmd::MarkMoment { at, reason }) => Command::MarkMoment {
                    at,
                    note: Some(ManualData::advisor_note(&reason)),
                },
                Command::Copilot(CopilotCmd::AskNow) => {
                    // For tests through the binary: `KICKTUI_FAULT=copilot_panic:FILE`.
                    if crate::supervise::fault_fired("copilot_panic") {
                        panic!("injected by KICKTUI_FAULT");
                    }
                    match &advisor {
                        Some(a) if a.ask_now() => {}
                        Some(_) => note("the advisor is busy; try again in a moment"),
                        None => note("the advisor is off ([advisor] enabled = true turns it on)"),
                    }
                    continue;
                }
                Command::Copilot(CopilotCmd::Dismiss) => {
                    if let Some(a) = &advisor {
                        a.send(AdvisorCmd::Dismiss);
                    }
                    continue;
                }
                Command::Copilot(CopilotCmd::ApproveChat(text)) => {
                    match &bot {
                        Some(b) if b.say(Priority::Advisor, text) => {}
                        Some(_) => note("the chat voice is busy; the line was not queued"),
                        None => note("the chat voice is off ([bot] enabled = true turns it on)"),
                    }
                    continue;
                }
                other => other,
            };
            if engine.send(c).await.is_err() {
                break;
            }
        }
    }
}

struct Relay {
    feed: Feed,
    updates: FeedRx,
    status: Option<watch::Receiver<AdvisorStatus>>,
    advice: Option<mpsc::Receiver<Advice>>,
    bot: Option<BotHandle>,
    bot_events: Option<mpsc::Receiver<BotEvent>>,
    /// Recording may make clips (off: a `!clip` answer promises none).
    recording: bool,
}

impl Relay {
    async fn run(&mut self, cancel: &CancellationToken) {
        if let Some(s) = &mut self.status {
            let now = s.borrow_and_update().clone();
            self.feed.send(Update::Advisor(now));
        }
        loop {
            tokio::select! {
                () = cancel.cancelled() => return,
                Some(a) = recv(&mut self.advice) => self.feed.send(Update::Advice(Box::new(a))),
                Ok(s) = changed(&mut self.status) => self.feed.send(Update::Advisor(s)),
                Some(ev) = recv(&mut self.bot_events) => {
                    if let BotEvent::Posted { text } = ev {
                        self.feed.send(Update::Note(format!("Chat voice posted: {text}")));
                    }
                }
                u = self.updates.recv() => match u {
                    Some(u) => self.on_update(&u),
                    None => return,
                },
            }
        }
    }

    fn on_update(&mut self, u: &Update) {
        match u {
            Update::Recorder(
                RecorderNews::Disabled | RecorderNews::Off(_) | RecorderNews::Stopped { .. },
            ) => {
                self.recording = false;
            }
            Update::Recorder(RecorderNews::PartStarted { .. }) => self.recording = true,
            _ => {}
        }
        let Some(bot) = &self.bot else { return };
        if let Some(line) = chat_line(u, self.recording) {
            bot.say(Priority::Confirmation, line);
        }
    }
}

/// What the chat voice says about an update: a clip saved, or the answer to `!clip` (which
/// promises a clip only while recording can make one).
pub fn chat_line(u: &Update, recording: bool) -> Option<String> {
    match u {
        Update::Clip(news) => match &news.state {
            ClipState::Ready { duration, .. } | ClipState::Short { duration, .. } => {
                Some(format!("Clip saved ({duration:.0} s)"))
            }
            _ => None,
        },
        Update::Moment {
            id: Some(_),
            moment,
        } if clip_request(moment) => Some(format!(
            "Clip requested by chat: marked at {}{}",
            format_hms(moment.offset_s),
            if recording {
                ", the clip follows"
            } else {
                " (not recording, so no clip)"
            }
        )),
        _ => None,
    }
}

fn clip_request(m: &Moment) -> bool {
    m.triggers
        .iter()
        .any(|t| matches!(t.data, TriggerData::ClipRequests(_)))
}

/// Waits on an optional receiver (never, when there is none).
async fn recv<T>(rx: &mut Option<mpsc::Receiver<T>>) -> Option<T> {
    match rx {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

async fn changed(rx: &mut Option<watch::Receiver<AdvisorStatus>>) -> Result<AdvisorStatus, ()> {
    match rx {
        Some(rx) => {
            rx.changed().await.map_err(|_| ())?;
            Ok(rx.borrow_and_update().clone())
        }
        None => std::future::pending().await,
    }
}

#[cfg(test)]
#[path = "copilot_tests.rs"]
mod tests;
