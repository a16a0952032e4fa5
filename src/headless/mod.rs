//! Headless front end: the seed's log lines on stdout. Only spikes and state changes are loud;
//! the periodic chat line is rate-limited.

use std::io::Write;

use chrono::Local;
use tokio_util::sync::CancellationToken;

use crate::domain::{Moment, Ts};
use crate::engine::feed::Feed;
use crate::engine::live::{self, LiveSetup};
use crate::engine::runner::EngineEnd;
use crate::engine::signals;
use crate::engine::update::{RecorderNews, Snapshot, Update};
use crate::present::{Said, moment_banner, moment_news, notable_line};
use crate::source::ChatState;

mod keys;
pub mod media;

/// The periodic chat line comes at most this often.
pub const CHAT_LINE_EVERY_S: u64 = 10;

/// `kicktui <channel> --headless` (and `demo`): the live engine with the printer, until
/// SIGINT, SIGTERM or SIGHUP (or `stop`). Queued writes are committed before it returns.
pub async fn run_live(
    setup: LiveSetup,
    stop: CancellationToken,
) -> Result<EngineEnd, Box<dyn std::error::Error>> {
    // Typed on the terminal: an activity or a mark (nothing under systemd or a pipe). The
    // sender lives as long as the run.
    let (commands, commands_rx) = tokio::sync::mpsc::channel(8);
    read_typed_commands(setup.cfg.bandit.arms.clone(), commands.clone());
    let end = run_live_with(setup, stop, commands_rx).await;
    drop(commands);
    end
}

/// Lines typed on the terminal become commands: an activity's name or number, or `m` (only
/// when kicktui is the terminal's foreground job; nothing under systemd or a pipe).
pub fn read_typed_commands(
    arms: Vec<String>,
    commands: tokio::sync::mpsc::Sender<crate::engine::runner::Command>,
) {
    keys::spawn(arms, commands, say_now);
}

/// [`run_live`] taking commands from elsewhere (the demo's simulated streamer).
pub async fn run_live_with(
    setup: LiveSetup,
    stop: CancellationToken,
    commands_rx: tokio::sync::mpsc::Receiver<crate::engine::runner::Command>,
) -> Result<EngineEnd, Box<dyn std::error::Error>> {
    signals::cancel_on_signals(stop.clone(), Some(say_now));
    let feed = Feed::new();
    let rx = feed.subscribe().into_mpsc(256);
    let printer = spawn_printer(rx, Printer::new(&setup.channel_label(), CHAT_LINE_EVERY_S))?;
    let end = live::run(setup, feed, commands_rx, stop).await;
    // The engine has dropped its sender: the printer ends after the last line.
    let _ = tokio::task::spawn_blocking(move || printer.join()).await;
    Ok(end?)
}

/// A line of its own, outside the printer (why the run stops).
fn say_now(line: &str) {
    // A closed stdout is not worth a panic while stopping.
    let _ = writeln!(
        std::io::stdout(),
        "{} {line}",
        clock(crate::time::wall_now())
    );
}

fn clock(t: Ts) -> String {
    t.to_datetime()
        .with_timezone(&Local)
        .format("[%H:%M:%S]")
        .to_string()
}

pub fn chat_line(s: &Snapshot) -> String {
    let spike = if s.chat_spike { " ← SPIKE" } else { "" };
    format!(
        "Chat: {:.1} msg/s | Keywords: {}{spike}",
        s.velocity.rate,
        s.keyword_total()
    )
}

/// Turns updates into lines; remembers just enough to rate-limit and to print changes once.
pub struct Printer {
    channel: String,
    chat_every_s: u64,
    last_chat_line: Option<Ts>,
    /// The current chat spike has had its `← SPIKE` line.
    spike_shown: bool,
    chat_log: crate::source::state_log::ChatStateLog,
    /// Chat has been connected at least once.
    connected: bool,
    api_trouble: bool,
    /// The recorder is armed: going live starts it.
    recording: bool,
    /// The moment whose banner was printed while it was building.
    building: Option<Building>,
    /// The co-pilot's budget is spent (said once, until calls are left again).
    advisor_spent: bool,
}

/// A building moment: its newest form, its row id then, and what headless last said of it.
#[derive(Clone, Debug, PartialEq)]
struct Building {
    moment: Moment,
    id: Option<i64>,
    said: Said,
}

impl Building {
    /// The `now:` line for its newest form if one is due at `now`: it differs from what was
    /// said, 5 s after the last line (until then a later update or tick says it).
    fn news(&mut self, now: Ts) -> Option<String> {
        if !Said::due(Some(&self.said), &self.moment, true, now) {
            return None;
        }
        self.said = Said::of(&self.moment, now);
        Some(format!(
            "{} {}",
            clock(now),
            moment_news(self.id, "now", &self.moment)
        ))
    }
}

impl Printer {
    pub fn new(channel: &str, chat_every_s: u64) -> Printer {
        Printer {
            channel: channel.to_string(),
            chat_every_s,
            last_chat_line: None,
            spike_shown: false,
            chat_log: Default::default(),
            connected: false,
            api_trouble: false,
            recording: false,
            building: None,
            advisor_spent: false,
        }
    }

    /// The lines for one update (often none), each without a trailing newline.
    pub fn lines(&mut self, u: &Update, now: Ts) -> Vec<String> {
        let c = clock(now);
        match u {
            Update::Snapshot(s) => {
                // A building moment's change held back by the 5 s rule, once it is due: a
                // rename a second after the banner is not left to the final line.
                let held = self.building.as_mut().and_then(|b| b.news(now));
                // A spike is marked when it starts, not at the next periodic line.
                let new_spike = s.chat_spike && !self.spike_shown;
                self.spike_shown &= s.chat_spike;
                // Before chat is connected a chat line only says 0.0.
                let due = self.connected
                    && (new_spike
                        || self
                            .last_chat_line
                            .is_none_or(|t| now.0 - t.0 >= self.chat_every_s as i64 * 1000));
                if !due {
                    return held.into_iter().collect();
                }
                self.last_chat_line = Some(now);
                self.spike_shown = s.chat_spike;
                held.into_iter()
                    .chain([format!("{c} {}", chat_line(s))])
                    .collect()
            }
            Update::ChatState(st) => {
                let was_live = self.chat_log.was_live();
                self.connected |= matches!(st, ChatState::Live { .. });
                // Drops and recoveries (with the count, even when the reconnect was too quick
                // to show any state in between); a long outage at growing intervals.
                let line = self.chat_log.line(st);
                match st {
                    ChatState::Live { reconnects: 0 } if !was_live => {
                        vec![format!("{c} Connected to {} chat", self.channel)]
                    }
                    // The first try says nothing: "Connected" or the trouble follows.
                    ChatState::Connecting { .. } if !was_live => vec![],
                    _ => line.map(|l| format!("{c} Chat {l}")).into_iter().collect(),
                }
            }
            // Shown again as it grows, by the TUI log pane's rule: a line when its name or
            // trigger count changed (what a quit now stores), at most every few seconds (a
            // surge renamed it several times a second), none for a new score alone.
            Update::MomentBuilding { id, moment }
                if self.building.as_ref().is_some_and(|b| b.id == *id) =>
            {
                let Some(b) = self.building.as_mut() else {
                    return vec![];
                };
                b.moment = moment.clone();
                b.news(now).into_iter().collect()
            }
            Update::MomentBuilding { id, moment } => {
                self.building = Some(Building {
                    moment: moment.clone(),
                    id: *id,
                    said: Said::of(moment, now),
                });
                vec![moment_banner(moment, *id)]
            }
            // Its banner came while it was building: one line with what it ended up as.
            Update::Moment { id, moment }
                if self
                    .building
                    .as_ref()
                    .is_some_and(|b| b.moment.at == moment.at) =>
            {
                let saved_before = self.building.take().is_some_and(|b| b.id.is_some());
                let again = if id.is_some() && !saved_before {
                    "(saved on a second try) "
                } else {
                    ""
                };
                let word = format!("{again}final");
                vec![format!("{c} {}", moment_news(*id, &word, moment))]
            }
            Update::Moment { id, moment } => vec![moment_banner(moment, *id)],
            Update::WentLive { title, source, .. } => {
                let rec = if self.recording {
                    " Starting recording..."
                } else {
                    ""
                };
                let via = source.via();
                match title.as_deref().filter(|t| !t.is_empty()) {
                    Some(t) => vec![format!("{c} Stream is LIVE!{rec} \"{t}\"{via}")],
                    None => vec![format!("{c} Stream is LIVE!{rec}{via}")],
                }
            }
            Update::WentOffline { .. } => vec![format!("{c} Stream went offline.")],
            // Headless offers nothing at quit: a moment while offline needs no line of its own.
            // The dashboard's money follows the session; headless prints no totals.
            // Only the TUI skips a clip (`x`): headless has no keys. The dashboard's trouble
            // was its error line already.
            Update::NotRecorded { .. }
            | Update::OfflineSession { .. }
            | Update::ClipSkip { .. }
            | Update::DashboardOff(_) => vec![],
            Update::WaitingForLive => {
                vec![format!("{c} Waiting for {} to go live...", self.channel)]
            }
            // Twitch's "cannot tell whether it is live" was its note: only the TUI's status
            // bar needs it again.
            Update::ApiTrouble { .. } if self.channel.starts_with("twitch:") => vec![],
            Update::ApiTrouble { message, .. } => {
                self.api_trouble = true;
                vec![format!("{c} Kick API: {message}")]
            }
            Update::ApiOk if std::mem::take(&mut self.api_trouble) => {
                vec![format!("{c} Kick API: answering again")]
            }
            Update::ApiOk => vec![],
            Update::Notable { event, .. } => notable_line(event)
                .map(|l| vec![format!("{c} {l}")])
                .unwrap_or_default(),
            Update::Capturing { path } => vec![format!(
                "{c} Capture is ON: every chat frame goes to {path}"
            )],
            Update::Recording(_) => vec![],
            Update::Recorder(news) => {
                self.recording |= matches!(news, RecorderNews::Armed);
                media::log_recorder_line(news)
                    .map(|l| vec![format!("{c} {l}")])
                    .unwrap_or_default()
            }
            Update::Clip(news) => media::clip_line(news)
                .map(|l| vec![format!("{c} {l}")])
                .unwrap_or_default(),
            // A block (the report) starts on a line of its own: no clock dangling above it.
            Update::Note(text) if text.starts_with('\n') => vec![text.clone()],
            Update::Note(text) | Update::Recovered(text) => vec![format!("{c} {text}")],
            Update::Finished(summary) => vec![format!("{c} {summary}")],
            // Each donation already has its own line (`Notable`).
            Update::Revenue(_) => vec![],
            // Printed when they happened, before the crash; the "goes on" note says the rest.
            // The note that follows it says it.
            Update::EarlierMoments(_) | Update::StartKnown { .. } => vec![],
            Update::Resync(_) => vec![format!(
                "{c} (output fell behind the engine; some lines were skipped)"
            )],
            Update::Advice(a) => crate::advisor::show::lines(a)
                .into_iter()
                .map(|l| format!("{c} {l}"))
                .collect(),
            // Only trouble is worth a line; each call's advice prints itself.
            Update::Advisor(s) if s.note.as_deref().is_some_and(|n| n.starts_with("waiting")) => {
                vec![format!("{c} {}", s.line())]
            }
            Update::Advisor(s) => {
                let spent = s.note.as_deref() == Some(crate::advisor::NO_CALLS_LEFT);
                let said = std::mem::replace(&mut self.advisor_spent, spent);
                if spent && !said {
                    vec![format!("{c} {}", s.line())]
                } else {
                    vec![]
                }
            }
        }
    }
}

/// Prints updates until the channel closes, on its own thread so a stalled terminal blocks
/// nothing else. When stdout goes away (a closed pipe, a restarted journald) the lines still
/// reach kicktui.log: a service whose stdout is gone keeps its record.
pub fn spawn_printer(
    rx: tokio::sync::mpsc::Receiver<Update>,
    printer: Printer,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("headless-printer".into())
        .spawn(move || {
            let log = crate::notify::log_note;
            print_all(rx, printer, std::io::stdout(), log);
        })
}

fn print_all(
    mut rx: tokio::sync::mpsc::Receiver<Update>,
    mut printer: Printer,
    mut out: impl Write,
    mut log: impl FnMut(&str),
) {
    let mut out_ok = true;
    while let Some(u) = rx.blocking_recv() {
        log_said(&u, &mut log);
        let lines = printer.lines(&u, crate::time::wall_now());
        if lines.is_empty() {
            continue;
        }
        if logged_as_printed(&u) {
            // One log line: the banner's text without its rulers and the printed clock.
            let text: Vec<&str> = lines
                .iter()
                .flat_map(|l| l.lines())
                .map(|l| strip_clock(l).trim())
                .filter(|l| !l.is_empty() && !l.starts_with("===="))
                .collect();
            log(&text.join(" | "));
        }
        if out_ok {
            out_ok = lines.iter().all(|l| writeln!(out, "{l}").is_ok()) && out.flush().is_ok();
            if !out_ok {
                log("stdout is closed: the rest of this run is in kicktui.log only");
            }
        }
    }
}

/// What the engine says to people that kicktui.log keeps too, said once by whichever front
/// end shows it: notes through `log` (not a report's text, which starts on a new line and has
/// a file of its own), and each clip's result in the words headless prints.
pub fn log_said(u: &Update, mut log: impl FnMut(&str)) {
    match u {
        Update::Note(text) | Update::Recovered(text) if !text.starts_with('\n') => log(text),
        Update::Clip(n) => media::log_clip(n),
        _ => {}
    }
}

/// What headless prints about the stream itself (moments, subs, Kicks, raids, going live or
/// offline, advice) is kept in kicktui.log too; notes, clips and recorder lines log
/// themselves, and the periodic chat line would only crowd it.
fn logged_as_printed(u: &Update) -> bool {
    matches!(
        u,
        Update::Moment { .. }
            | Update::MomentBuilding { .. }
            | Update::Notable { .. }
            | Update::WentLive { .. }
            | Update::WentOffline { .. }
            | Update::Advice(_)
    )
}

/// `[12:00:00] text` → `text`.
fn strip_clock(l: &str) -> &str {
    match l.strip_prefix('[').and_then(|r| r.split_once("] ")) {
        Some((clock, rest)) if clock.len() == 8 => rest,
        _ => l,
    }
}

#[cfg(test)]
mod tests;
