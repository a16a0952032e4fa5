//! `kicktui tui-preview [FILE]` (hidden): the TUI on a chat log replayed through the pure core
//! at real-time pace (or `--speed N` times faster), so the front end can be seen and tested
//! without the live engine. Nothing is stored: a mark says "preview: not saved".

use std::fs::File;
use std::io::{BufRead, BufReader, Lines};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::app::{Cmd, Keymap, Storage, TuiContext};
use crate::cli::Cli;
use crate::config::{self, Config};
use crate::domain::{Event, Ts};
use crate::engine::core::{Core, Effect, OffsetBase};
use crate::engine::update::{Snapshot, Update};
use crate::replay::lines::{LineItem, parse_line};
use crate::source::ChatState;
use crate::time::wall_now;

/// The demo's chat log, so the preview works wherever the binary is.
const DEMO_CHAT: &[u8] = include_bytes!("../assets/demo-chat.jsonl");

#[derive(Debug, clap::Args)]
pub struct PreviewArgs {
    /// A chat log of kicktui's lines or a Kick capture (default: the demo's chat log, built
    /// in); `kicktui replay` also reads Twitch exports and captures.
    pub file: Option<PathBuf>,
    /// Play the log this many times faster than real time.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
}

/// The subcommand: config, logging to the log pane only, the feed and the TUI.
pub fn main(cli: &Cli, args: &PreviewArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let (cfg, config_source) = config::load(cli.config.as_deref())?;
    if !(0.001..=100_000.0).contains(&args.speed) {
        return Err(format!("--speed must be 0.001 to 100000, got {}", args.speed).into());
    }
    let (input, source): (Box<dyn BufRead + Send>, &Path) = match &args.file {
        Some(path) => (Box::new(open_log(path)?), path.as_path()),
        None => (Box::new(DEMO_CHAT), Path::new("demo-chat.jsonl")),
    };
    let name = source
        .file_stem()
        .map_or("preview".into(), |s| s.to_string_lossy().into_owned());
    // Read up to the first event before the TUI starts: a log with none played an empty
    // screen that only said "end of the chat log".
    let mut feed = Feed::new(&cfg, &name, input, args.speed, source);
    feed.read_next();
    if feed.next.is_none() {
        return Err(nothing_to_play(source, feed.errors).into());
    }
    crate::term::need_terminal("`kicktui replay FILE` prints the moments instead")?;
    crate::logging::init_tui(None, &cfg.general.log_level, None)?;
    let keymap = Keymap::from_config(&cfg.keys)
        .map_err(|(key, expected)| config::ConfigError::new("config", &key, expected))?;
    let data_dir = config::resolve_data_dir(cli.data_dir.as_deref(), &cfg);
    let mut ctx = TuiContext::new(&name, &data_dir.display().to_string(), keymap);
    ctx.storage = Storage::Preview;
    ctx.keyword_window_s = cfg.chat.window_seconds.max(1);
    ctx.config_file = config_source.shown();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let cancel = CancellationToken::new();
        crate::engine::signals::cancel_on_signals(cancel.clone(), None);
        let (up_tx, mut up_rx) = mpsc::channel(256);
        let (cmd_tx, cmd_rx) = mpsc::channel(16);
        let task = tokio::spawn(feed.run(up_tx, cmd_rx, cancel.clone()));
        let result = crate::term::run_tui(&mut up_rx, cmd_tx, cancel.clone(), ctx).await;
        cancel.cancel();
        let _ = task.await;
        result
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Why a log with no event in it is not previewed, in `kicktui replay`'s words.
fn nothing_to_play(source: &Path, unreadable: u64) -> String {
    let shown = source.display();
    if unreadable == 0 {
        format!("{shown} has no chat in it: nothing to preview")
    } else {
        format!(
            "no line of {shown} could be read: is it a chat log? (one JSON object a line: \
             {{\"ts\", \"user\", \"text\"}} or a captured Kick frame)"
        )
    }
}

/// The log at `path`, refused when the preview cannot play it: a directory (reading one
/// fails forever) or a Twitch export or capture (the preview plays kicktui's lines only).
fn open_log(path: &Path) -> Result<BufReader<File>, String> {
    let shown = path.display();
    let file = File::open(path).map_err(|e| format!("cannot open {shown}: {e}"))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(format!(
            "cannot read {shown}: it is a directory, not a chat log"
        ));
    }
    let mut input = BufReader::new(file);
    let peek = input
        .fill_buf()
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    if crate::replay::twitch_export::detect(peek).is_some() {
        return Err(format!(
            "{shown} is a Twitch chat export or capture, which the preview does not play; \
             `kicktui replay {shown}` scores it"
        ));
    }
    Ok(input)
}

/// The log as a live channel: events at their pace, a snapshot every second.
pub struct Feed<R: BufRead> {
    core: Core,
    channel: String,
    lines: Lines<R>,
    source: String,
    speed: f64,
    /// Wall instant and simulated time at the start; the log's first time maps onto `sim0`.
    start: Instant,
    sim0: Ts,
    log0: Option<Ts>,
    last_log: Option<Ts>,
    next: Option<(Ts, Event)>,
    viewers: Option<u32>,
    errors: u64,
    ended: bool,
}

impl<R: BufRead> Feed<R> {
    pub fn new(cfg: &Config, channel: &str, input: R, speed: f64, source: &Path) -> Feed<R> {
        Feed {
            core: Core::new(cfg, OffsetBase::StreamStart),
            channel: channel.to_string(),
            lines: input.lines(),
            source: source.display().to_string(),
            speed,
            start: Instant::now(),
            sim0: wall_now(),
            log0: None,
            last_log: None,
            next: None,
            viewers: None,
            errors: 0,
            ended: false,
        }
    }

    fn sim_now(&self) -> Ts {
        let ms = self.start.elapsed().as_secs_f64() * 1000.0 * self.speed;
        self.sim0.plus_ms(ms as i64)
    }

    /// The simulated time of a log time.
    fn sim_of(&self, t: Ts) -> Ts {
        self.sim0.plus_ms(t.0 - self.log0.unwrap_or(t).0)
    }

    fn due(&self, t: Ts) -> Instant {
        let ms = t.secs_since(self.log0.unwrap_or(t)).max(0.0) * 1000.0 / self.speed;
        // A log spanning centuries (a bad timestamp) waits a year rather than overflow.
        let wait = Duration::from_millis((ms as u64).min(365 * 86_400_000));
        self.start + wait
    }

    /// Reads ahead to the next event; unreadable lines are counted and skipped. Called once
    /// before [`Feed::run`], which plays from the event it found.
    fn read_next(&mut self) {
        self.next = None;
        for line in self.lines.by_ref() {
            let line = match line {
                Ok(line) => line,
                // A line that is not UTF-8 was read and is skipped; any other error would
                // come back on every read, so the log ends there.
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    self.errors += 1;
                    continue;
                }
                Err(_) => {
                    self.errors += 1;
                    return;
                }
            };
            match parse_line(&line) {
                Ok(LineItem::Event { at, event, .. }) => {
                    let Some(t) = at.or(self.last_log) else {
                        self.errors += 1;
                        continue;
                    };
                    let t = self.last_log.map_or(t, |l| t.max(l));
                    self.last_log = Some(t);
                    self.log0.get_or_insert(t);
                    self.next = Some((t, event));
                    return;
                }
                Ok(LineItem::Nothing) => {}
                Err(_) => self.errors += 1,
            }
        }
    }

    // `..default()`: fields the engine adds later keep their defaults here.
    pub fn snapshot(&self, at: Ts) -> Snapshot {
        Snapshot {
            live: true,
            uptime_s: Some(at.secs_since(self.sim0).max(0.0)),
            viewers: self.viewers,
            malformed_frames: self.errors,
            ..Snapshot::from_core(&self.core, at, &self.channel)
        }
    }

    pub async fn run(
        mut self,
        tx: mpsc::Sender<Update>,
        mut cmds: mpsc::Receiver<Cmd>,
        cancel: CancellationToken,
    ) {
        self.start = Instant::now();
        self.sim0 = wall_now();
        self.core.set_stream_start(self.sim0, true);
        tracing::info!(
            "preview: {} at {}x; nothing is stored",
            self.source,
            self.speed
        );
        let _ = tx
            .send(Update::ChatState(ChatState::Live { reconnects: 0 }))
            .await;
        let live = Update::WentLive {
            at: self.sim0,
            title: Some(format!("preview of {}", self.source)),
            session: None,
            source: crate::kickapi::LiveSource::Unknown,
            resumed: false,
        };
        let _ = tx.send(live).await;
        // A snapshot per simulated second, but at most 10 a second: the chart stays dense
        // when the log plays faster than real time.
        let every = Duration::from_secs_f64((1.0 / self.speed).max(0.1));
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            let due = self.next.as_ref().map(|(t, _)| self.due(*t));
            let out = tokio::select! {
                () = cancel.cancelled() => break,
                cmd = cmds.recv() => match cmd {
                    None | Some(Cmd::Quit) => break,
                    Some(cmd) => self.on_cmd(cmd),
                },
                _ = tick.tick() => {
                    let t = self.sim_now();
                    let mut out = to_updates(self.core.on_tick(t));
                    if self.next.is_none() && !self.ended {
                        self.ended = true;
                        out.extend(to_updates(self.core.finish(t)));
                        out.push(Update::Note("preview: end of the chat log".into()));
                    }
                    // Best effort, like the engine's snapshots: a busy UI just sees fewer.
                    let _ = tx.try_send(Update::Snapshot(self.snapshot(t)));
                    out
                }
                () = sleep_until(due), if due.is_some() => self.feed_due(),
            };
            for u in out {
                if tx.send(u).await.is_err() {
                    return;
                }
            }
        }
    }

    /// Every event that is due now (a bounded batch, so commands and ticks keep flowing).
    fn feed_due(&mut self) -> Vec<Update> {
        let now = Instant::now();
        let mut out = Vec::new();
        for _ in 0..10_000 {
            let Some((t, _)) = &self.next else { break };
            if self.due(*t) > now {
                break;
            }
            let Some((t, event)) = self.next.take() else {
                break;
            };
            if let Event::Viewers { count } = &event {
                self.viewers = Some(*count);
            }
            let effects = self
                .core
                .on_event(self.sim_of(t), &self.on_sim_clock(event));
            out.extend(to_updates(effects));
            self.read_next();
        }
        out
    }

    /// The times an event carries, moved onto the simulated clock like the event itself (a
    /// stream start in log time put moments days from the simulated start).
    fn on_sim_clock(&self, event: Event) -> Event {
        match event {
            Event::Live {
                title,
                started_at,
                stream_id,
            } => Event::Live {
                title,
                started_at: started_at.map(|t| self.sim_of(t)),
                stream_id,
            },
            Event::Offline {
                ended_at,
                stream_id,
            } => Event::Offline {
                ended_at: ended_at.map(|t| self.sim_of(t)),
                stream_id,
            },
            event => event,
        }
    }

    fn on_cmd(&mut self, cmd: Cmd) -> Vec<Update> {
        match cmd {
            Cmd::MarkMoment { .. } => {
                let moment = self.core.mark(self.sim_now(), None);
                vec![Update::Moment { id: None, moment }]
            }
            Cmd::SetActivity(name) => {
                vec![Update::Note(format!("preview: activity is now {name}"))]
            }
            Cmd::ClipMoment { id } => vec![Update::Note(format!(
                "preview: no recording, moment #{id} not clipped"
            ))],
            Cmd::SkipClip { id, .. } => vec![Update::Note(format!(
                "preview: no recording, moment #{id} has no clip to skip"
            ))],
            Cmd::Copilot(_) => vec![Update::Note("preview: no advisor".into())],
            Cmd::Quit | Cmd::AtQuit(_) | Cmd::Repaint => vec![],
        }
    }
}

/// The core's effects as the front end hears them (nothing is stored in a preview).
fn to_updates(effects: Vec<Effect>) -> Vec<Update> {
    effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Moment(moment) => Some(Update::Moment { id: None, moment }),
            Effect::MomentBuilding(moment) => Some(Update::MomentBuilding { id: None, moment }),
            Effect::Live { at, title, .. } => Some(Update::WentLive {
                at,
                title,
                session: None,
                source: crate::kickapi::LiveSource::Unknown,
                resumed: false,
            }),
            Effect::Offline { at } => Some(Update::WentOffline { at }),
            Effect::Notable { event, .. } => Some(Update::Note(format!("event: {}", event.name()))),
            Effect::StartKnown { at, was, .. } => Some(Update::StartKnown { at, was }),
            Effect::ChatStats(_) | Effect::ViewerSample { .. } => None,
        })
        .collect()
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
#[path = "tui_preview_tests.rs"]
mod tests;
