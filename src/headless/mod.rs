//! Headless front end: the seed's log lines on stdout. Only spikes and state changes are loud;
//! the periodic chat line is rate-limited.

use std::io::Write;

use chrono::Local;
use tokio_util::sync::CancellationToken;

use crate::detect::events::USD_PER_KICK;
use crate::domain::{Event, Moment, TriggerType, Ts};
use crate::engine::feed::Feed;
use crate::engine::live::{self, LiveSetup};
use crate::engine::runner::EngineEnd;
use crate::engine::signals;
use crate::engine::update::{RecorderNews, Snapshot, Update};
use crate::source::ChatState;
use crate::time::format_offset_words;

pub mod media;

const RULE: &str = "============================================================";

/// The periodic chat line comes at most this often.
pub const CHAT_LINE_EVERY_S: u64 = 10;

/// `kicktui <channel> --headless` (and `demo`): the live engine with the printer, until
/// SIGINT, SIGTERM or SIGHUP (or `stop`). Queued writes are committed before it returns.
pub async fn run_live(
    setup: LiveSetup,
    stop: CancellationToken,
) -> Result<EngineEnd, Box<dyn std::error::Error>> {
    // No commands in headless mode: the sender lives as long as the run.
    let (commands, commands_rx) = tokio::sync::mpsc::channel(8);
    let end = run_live_with(setup, stop, commands_rx).await;
    drop(commands);
    end
}

/// [`run_live`] taking commands from elsewhere (the demo's simulated streamer).
pub async fn run_live_with(
    setup: LiveSetup,
    stop: CancellationToken,
    commands_rx: tokio::sync::mpsc::Receiver<crate::engine::runner::Command>,
) -> Result<EngineEnd, Box<dyn std::error::Error>> {
    signals::cancel_on_signals(stop.clone());
    let feed = Feed::new();
    let rx = feed.subscribe().into_mpsc(256);
    let printer = spawn_printer(rx, Printer::new(&setup.slug, CHAT_LINE_EVERY_S))?;
    let end = live::run(setup, feed, commands_rx, stop).await;
    // The engine has dropped its sender: the printer ends after the last line.
    let _ = tokio::task::spawn_blocking(move || printer.join()).await;
    Ok(end?)
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

/// One short description per trigger, strongest first: `Velocity: 8.7 msg/s | Keywords: CLIP (5x)`.
pub fn trigger_summary(m: &Moment) -> String {
    let parts: Vec<String> = m
        .triggers
        .iter()
        .map(|t| {
            let d = &t.data;
            let num = |k: &str| d[k].as_f64().unwrap_or(0.0);
            let text = |k: &str| d[k].as_str().unwrap_or("?").to_string();
            match t.kind {
                TriggerType::ChatVelocity => format!("Velocity: {:.1} msg/s", num("rate")),
                TriggerType::Keyword => {
                    format!("Keywords: {} ({}x)", text("keyword"), num("count"))
                }
                TriggerType::EmoteSpam => format!("Emote: {} ({}x)", text("emote"), num("count")),
                TriggerType::SubBurst => format!("Subs: {} in {} s", num("subs"), num("window_s")),
                TriggerType::Donation => format!(
                    "Donation: ${:.2} from {}",
                    num("amount_usd"),
                    text("username")
                ),
                TriggerType::Raid => {
                    format!("Raid: {} with {} viewers", text("from"), num("viewers"))
                }
                TriggerType::ViewerSpike => {
                    format!("Viewers: {} (was {})", num("viewers"), num("baseline"))
                }
                TriggerType::Manual => "Marked by hand".to_string(),
            }
        })
        .collect();
    parts.join(" | ")
}

pub fn moment_banner(m: &Moment, saved: bool) -> String {
    let unsaved = if saved {
        ""
    } else {
        "\n  (NOT SAVED: the database refused it, see the log)"
    };
    format!(
        "{RULE}\n  {} at {}\n  {}{unsaved}\n{RULE}",
        m.trigger_type.headline(),
        format_offset_words(m.offset_s),
        trigger_summary(m)
    )
}

/// One line for a sub, gift, Kicks, donation or raid (never the message sent with it).
pub fn notable_line(e: &Event) -> Option<String> {
    Some(match e {
        Event::Subscription {
            username,
            months: 0 | 1,
        } => format!("New sub: {username}"),
        Event::Subscription { username, months } => {
            format!("Sub: {username} ({months} months)")
        }
        Event::GiftedSubs { gifter, count } => format!("Gift: {gifter} gifted {count} subs"),
        Event::Kicks { sender, amount, .. } => format!(
            "Kicks: {sender} sent {amount} Kicks (${:.2})",
            f64::from(*amount) * USD_PER_KICK
        ),
        Event::Donation {
            username,
            amount_usd,
            ..
        } => format!("Donation: ${amount_usd:.2} from {username}"),
        Event::Bits { username, amount } => format!("Bits: {amount} from {username}"),
        Event::Raid { from, viewers } => format!("Raid: {from} with {viewers} viewers"),
        _ => return None,
    })
}

/// Turns updates into lines; remembers just enough to rate-limit and to print changes once.
pub struct Printer {
    channel: String,
    chat_every_s: u64,
    last_chat_line: Option<Ts>,
    last_state: Option<ChatState>,
    /// Chat has been connected at least once.
    connected: bool,
    api_trouble: bool,
    /// The recorder is armed: going live starts it.
    recording: bool,
}

impl Printer {
    pub fn new(channel: &str, chat_every_s: u64) -> Printer {
        Printer {
            channel: channel.to_string(),
            chat_every_s,
            last_chat_line: None,
            last_state: None,
            connected: false,
            api_trouble: false,
            recording: false,
        }
    }

    /// The lines for one update (often none), each without a trailing newline.
    pub fn lines(&mut self, u: &Update, now: Ts) -> Vec<String> {
        let c = clock(now);
        match u {
            Update::Snapshot(s) => {
                // Before chat is connected a chat line only says 0.0.
                let due = self.connected
                    && self
                        .last_chat_line
                        .is_none_or(|t| now.0 - t.0 >= self.chat_every_s as i64 * 1000);
                if !due {
                    return vec![];
                }
                self.last_chat_line = Some(now);
                vec![format!("{c} {}", chat_line(s))]
            }
            Update::ChatState(st) => {
                let changed = self.last_state.as_ref() != Some(st);
                let first_live = matches!(st, ChatState::Live)
                    && self
                        .last_state
                        .as_ref()
                        .is_none_or(|p| *p != ChatState::Live);
                self.last_state = Some(st.clone());
                self.connected |= *st == ChatState::Live;
                match st {
                    ChatState::Live if first_live => {
                        vec![format!("{c} Connected to {} chat", self.channel)]
                    }
                    ChatState::Reconnecting { .. } | ChatState::Stopped { .. } if changed => {
                        vec![format!("{c} Chat {st}")]
                    }
                    _ => vec![],
                }
            }
            Update::Moment { id, moment } => vec![moment_banner(moment, id.is_some())],
            Update::WentLive { title, .. } => {
                let rec = if self.recording {
                    " Starting recording..."
                } else {
                    ""
                };
                match title.as_deref().filter(|t| !t.is_empty()) {
                    Some(t) => vec![format!("{c} Stream is LIVE!{rec} \"{t}\"")],
                    None => vec![format!("{c} Stream is LIVE!{rec}")],
                }
            }
            Update::WentOffline { .. } => vec![format!("{c} Stream went offline.")],
            Update::WaitingForLive => {
                vec![format!("{c} Waiting for {} to go live...", self.channel)]
            }
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
                media::recorder_line(news)
                    .map(|l| vec![format!("{c} {l}")])
                    .unwrap_or_default()
            }
            Update::Clip(news) => media::clip_line(news)
                .map(|l| vec![format!("{c} {l}")])
                .unwrap_or_default(),
            Update::Note(text) => vec![format!("{c} {text}")],
            Update::Finished(summary) => vec![format!("{c} {summary}")],
            // Each donation already has its own line (`Notable`).
            Update::Revenue(_) => vec![],
            Update::Resync(_) => vec![format!(
                "{c} (output fell behind the engine; some lines were skipped)"
            )],
        }
    }
}

/// Prints updates until the channel closes, on its own thread so a stalled terminal blocks
/// nothing else. Output errors (a closed pipe) end it quietly.
pub fn spawn_printer(
    rx: tokio::sync::mpsc::Receiver<Update>,
    printer: Printer,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("headless-printer".into())
        .spawn(move || print_all(rx, printer))
}

fn print_all(mut rx: tokio::sync::mpsc::Receiver<Update>, mut printer: Printer) {
    while let Some(u) = rx.blocking_recv() {
        let lines = printer.lines(&u, crate::time::wall_now());
        if lines.is_empty() {
            continue;
        }
        let mut out = std::io::stdout().lock();
        for l in lines {
            if writeln!(out, "{l}").is_err() {
                return;
            }
        }
        let _ = out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MomentSource, Trigger};
    use serde_json::json;

    fn moment() -> Moment {
        Moment {
            at: Ts(0),
            offset_s: 5025.0,
            trigger_type: TriggerType::ChatVelocity,
            triggers: vec![
                Trigger {
                    kind: TriggerType::ChatVelocity,
                    at: Ts(0),
                    strength: 2.0,
                    data: json!({"rate": 8.7}),
                },
                Trigger {
                    kind: TriggerType::Keyword,
                    at: Ts(0),
                    strength: 1.0,
                    data: json!({"keyword": "CLIP", "count": 5}),
                },
            ],
            score: 25.0,
            source: MomentSource::Auto,
            clip_start: Ts(0),
            clip_end: Ts(0),
        }
    }

    #[test]
    fn banner_reads_like_the_seed() {
        let b = moment_banner(&moment(), true);
        assert!(b.contains("  CHAT SPIKE at 1h 23m 45s\n"), "{b}");
        assert!(
            b.contains("  Velocity: 8.7 msg/s | Keywords: CLIP (5x)\n"),
            "{b}"
        );
        assert!(moment_banner(&moment(), false).contains("NOT SAVED"));
    }

    #[test]
    fn chat_line_is_rate_limited_and_marks_spikes() {
        let mut p = Printer::new("clavicular", 10);
        p.lines(&Update::ChatState(ChatState::Live), Ts(0));
        let mut s = Snapshot::default();
        s.velocity.rate = 8.7;
        s.chat_spike = true;
        s.keywords = vec![("CLIP".into(), 5)];
        let first = p.lines(&Update::Snapshot(s.clone()), Ts(0));
        assert!(
            first[0].ends_with("Chat: 8.7 msg/s | Keywords: 5 ← SPIKE"),
            "{first:?}"
        );
        assert!(p.lines(&Update::Snapshot(s.clone()), Ts(5000)).is_empty());
        assert_eq!(p.lines(&Update::Snapshot(s), Ts(10_000)).len(), 1);
    }

    #[test]
    fn connection_changes_print_once() {
        let mut p = Printer::new("clavicular", 10);
        let live = Update::ChatState(ChatState::Live);
        assert!(p.lines(&live, Ts(0))[0].ends_with("Connected to clavicular chat"));
        assert!(p.lines(&live, Ts(0)).is_empty());
        let stopped = Update::ChatState(ChatState::Stopped { why: "4001".into() });
        assert!(p.lines(&stopped, Ts(0))[0].contains("Chat stopped: 4001"));
    }

    #[test]
    fn events_api_trouble_and_the_summary_read_plainly() {
        let mut p = Printer::new("clavicular", 10);
        let kicks = Update::Notable {
            at: Ts(0),
            event: Event::Kicks {
                sender: "donor".into(),
                amount: 500,
                message: "never printed".into(),
            },
        };
        let line = &p.lines(&kicks, Ts(0))[0];
        assert!(
            line.ends_with("Kicks: donor sent 500 Kicks ($5.00)"),
            "{line}"
        );
        assert!(
            p.lines(&Update::ApiOk, Ts(0)).is_empty(),
            "nothing to recover from"
        );
        let trouble = Update::ApiTrouble {
            message: "Kick's API is rate limiting kicktui (429); retrying in 60 s".into(),
            retry_s: Some(60),
        };
        assert!(p.lines(&trouble, Ts(0))[0].contains("Kick API: Kick's API is rate limiting"));
        assert!(p.lines(&Update::ApiOk, Ts(0))[0].ends_with("Kick API: answering again"));
        let done = Update::Finished(crate::engine::update::Summary {
            chat_messages: 12,
            moments: 2,
            unsaved_moments: 0,
            malformed_frames: 1,
        });
        assert!(
            p.lines(&done, Ts(0))[0]
                .ends_with("Received 12 chat messages, 2 moments, 1 malformed frames skipped")
        );
    }

    #[test]
    fn no_chat_line_before_chat_is_connected() {
        let mut p = Printer::new("clavicular", 10);
        let snap = Update::Snapshot(Snapshot::default());
        assert!(p.lines(&snap, Ts(0)).is_empty());
        p.lines(&Update::ChatState(ChatState::Live), Ts(0));
        assert_eq!(p.lines(&snap, Ts(0)).len(), 1);
    }
}
