//! The Twitch chat source: anonymous read-only IRC over WebSocket. It logs in as `justinfan…`,
//! joins the channel, answers PINGs, follows RECONNECT by joining on a new connection before
//! closing the old one, reconnects with backoff after any other loss (marking the gap), and
//! de-duplicates by the message `id` tag so an overlap never counts a message twice.

mod conn;
mod frames;
pub mod irc;
pub mod map;

use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;

use super::dedup::Dedup;
use super::reconnect::{Backoff, HEALTHY_AFTER};
use super::{ChatState, SourceMsg};
use crate::domain::Event;
use crate::time::wall_now;
use conn::{Conn, ConnEvent, Login};
pub use map::Mapper;

/// Why the source stopped (shared with the Kick source).
pub use super::pusher::SourceExit;

/// Twitch's public chat endpoint (`[twitch] irc_url`).
pub const DEFAULT_IRC_URL: &str = "wss://irc-ws.chat.twitch.tv:443";

#[derive(Clone, Debug)]
pub struct TwitchOptions {
    pub url: String,
    /// The channel's login (lowercase, no `#`).
    pub channel: String,
    /// `None`: `justinfan` and random digits (anonymous).
    pub nick: Option<String>,
    /// For the socket to open, and then for the JOIN to be confirmed.
    pub connect_timeout: Duration,
    /// Silence this long gets our own PING; Twitch pings every ~5 minutes.
    pub idle_ping_after: Duration,
    pub pong_timeout: Duration,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    pub capture: bool,
    /// In the channel this long without a word: a hint that its name may be wrong (a misspelt
    /// name that is another, quiet channel joins fine; one that does not exist gets no answer).
    pub quiet_hint_after: Duration,
}

impl TwitchOptions {
    /// From `[twitch]` for the channel `login` (as [`crate::source::ChannelRef`] names it).
    pub fn from_config(cfg: &crate::config::Twitch, login: &str, capture: bool) -> TwitchOptions {
        let mut o = TwitchOptions::new(&cfg.irc_url, login);
        o.capture = capture;
        o
    }

    pub fn new(url: &str, channel: &str) -> TwitchOptions {
        TwitchOptions {
            url: url.to_string(),
            channel: channel.trim_start_matches('#').to_ascii_lowercase(),
            nick: None,
            connect_timeout: Duration::from_secs(10),
            idle_ping_after: Duration::from_secs(30),
            pong_timeout: Duration::from_secs(15),
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(60),
            capture: false,
            quiet_hint_after: Duration::from_secs(600),
        }
    }
}

pub struct TwitchSource {
    opts: TwitchOptions,
    nick: String,
    tx: mpsc::Sender<SourceMsg>,
    state: watch::Sender<ChatState>,
    dedup: Dedup,
    mapper: Mapper,
    down: bool,
    /// Times this source joined the channel (the first time included).
    lives: u32,
    next_conn: u64,
    /// Losses since the last join: a long outage is logged at growing intervals.
    failed_tries: u32,
    /// The last NOTICE said: a suspended channel repeats it on every reconnect.
    last_notice: Option<String>,
    /// A NOTICE since this connection began: why a JOIN goes unconfirmed (suspended, no
    /// such channel), for the status bar's reconnecting line.
    notice_now: Option<String>,
    /// The server's refusal of tags and commands has been said (once a run).
    caps_refused_said: bool,
    /// When the channel was first joined, until anything is heard in it (then `None`), or
    /// the quiet hint has been given.
    quiet_since: Option<Instant>,
}

/// The connections of one session: the joined one, and the one replacing it after RECONNECT.
struct Conns {
    current: Conn,
    joined: bool,
    /// When this session first joined the channel (a RECONNECT handover keeps it).
    joined_at: Option<Instant>,
    pending: Option<Conn>,
    /// The current connection must confirm its JOIN by then.
    join_by: Instant,
    /// The current connection's server has said something (its welcome): an unanswered
    /// JOIN is then about the channel, not the network.
    heard: bool,
}

/// Why a session ended (then the source backs off and connects again).
enum Lost {
    Reason(String),
    /// The server answered but the JOIN went unconfirmed: the channel, not the connection.
    Unjoined(String),
    Exit(SourceExit),
}

impl TwitchSource {
    pub fn new(
        opts: TwitchOptions,
        tx: mpsc::Sender<SourceMsg>,
        state: watch::Sender<ChatState>,
    ) -> TwitchSource {
        let seed = wall_now().0 as u64 ^ u64::from(std::process::id()).rotate_left(17);
        let nick = opts
            .nick
            .clone()
            .unwrap_or_else(|| irc::anonymous_nick(seed));
        TwitchSource {
            opts,
            nick,
            tx,
            state,
            dedup: Dedup::new(20_000),
            last_notice: None,
            notice_now: None,
            quiet_since: None,
            caps_refused_said: false,
            mapper: Mapper::new(),
            // Not connected yet is a gap too: the first connection ends it.
            down: true,
            lives: 0,
            next_conn: 0,
            failed_tries: 0,
        }
    }

    /// Runs until cancelled or the engine is gone; every other failure is retried.
    pub async fn run(mut self, cancel: CancellationToken) -> SourceExit {
        let seed = wall_now().0 as u64 ^ u64::from(std::process::id());
        let mut backoff = Backoff::new(self.opts.backoff_base, self.opts.backoff_cap, seed);
        let (ev_tx, mut ev_rx) = mpsc::channel(1024);
        loop {
            self.state.send_replace(ChatState::Connecting {
                attempt: backoff.attempt(),
            });
            let (reason, unjoined) = match self
                .session(&cancel, &ev_tx, &mut ev_rx, &mut backoff)
                .await
            {
                Lost::Exit(e) => return e,
                Lost::Reason(r) => (r, false),
                Lost::Unjoined(r) => (r, true),
            };
            self.mark_down().await;
            if self.tx.is_closed() {
                return SourceExit::EngineGone;
            }
            let delay = backoff.next_delay();
            // An outage is said at growing intervals, not at every try; a drop after a join is
            // always said.
            self.failed_tries = self.failed_tries.saturating_add(1);
            if let Some(many) = crate::source::state_log::retry_said(self.failed_tries) {
                let secs = delay.as_secs_f64();
                // Headless prints the chat state's own line: the file keeps this one. An
                // unanswered JOIN had a working connection: it says what went wrong instead.
                if unjoined {
                    tracing::warn!(
                        target: crate::logging::SHOWN,
                        "twitch chat: {reason}; joining again in {secs:.1} s{many}"
                    );
                } else {
                    tracing::warn!(
                        target: crate::logging::SHOWN,
                        "twitch chat connection lost ({reason}); reconnecting in {secs:.1} s{many}"
                    );
                }
            }
            let until = wall_now().plus_ms(delay.as_millis() as i64);
            self.state
                .send_replace(ChatState::Reconnecting { until, reason });
            tokio::select! {
                _ = cancel.cancelled() => return SourceExit::Cancelled,
                _ = tokio::time::sleep(delay) => {}
            }
        }
    }

    fn spawn(&mut self, events: &mpsc::Sender<(u64, ConnEvent)>) -> Conn {
        self.next_conn += 1;
        let login = Login {
            url: self.opts.url.clone(),
            nick: self.nick.clone(),
            channel: self.opts.channel.clone(),
            connect_timeout: self.opts.connect_timeout,
            idle_ping_after: self.opts.idle_ping_after,
            pong_timeout: self.opts.pong_timeout,
        };
        Conn::spawn(self.next_conn, login, events.clone())
    }

    /// One connection and its RECONNECT successors, until the chat is lost.
    async fn session(
        &mut self,
        cancel: &CancellationToken,
        ev_tx: &mpsc::Sender<(u64, ConnEvent)>,
        ev_rx: &mut mpsc::Receiver<(u64, ConnEvent)>,
        backoff: &mut Backoff,
    ) -> Lost {
        self.notice_now = None;
        let mut conns = Conns {
            current: self.spawn(ev_tx),
            joined: false,
            joined_at: None,
            pending: None,
            join_by: Instant::now() + self.opts.connect_timeout * 2,
            heard: false,
        };
        loop {
            let join_by = conns.join_by;
            let waiting = !conns.joined;
            let quiet_hint = self.quiet_since;
            let hint_at = quiet_hint.map_or(join_by, |t| t + self.opts.quiet_hint_after);
            let (conn_id, ev) = tokio::select! {
                _ = cancel.cancelled() => return Lost::Exit(SourceExit::Cancelled),
                _ = sleep_until(hint_at), if quiet_hint.is_some() => {
                    self.quiet_since = None;
                    let quiet = self.opts.quiet_hint_after.as_secs();
                    let quiet = if quiet < 120 {
                        format!("{quiet} s")
                    } else {
                        format!("{} min", quiet / 60)
                    };
                    let text = format!(
                        "twitch: no chat in #{} for {quiet} since joining: if the channel is \
                         live, check its name (a misspelt name that is someone else's channel \
                         joins fine; with [twitch] client_id and client_secret kicktui shows \
                         whether that name is live)",
                        self.opts.channel
                    );
                    if let Err(exit) = self.send(SourceMsg::Notice { text }).await {
                        return Lost::Exit(exit);
                    }
                    continue;
                }
                got = ev_rx.recv() => match got {
                    Some(got) => got,
                    None => return Lost::Reason("connection task gone".into()),
                },
                _ = sleep_until(join_by), if waiting => {
                    let said = self.notice_now.take().unwrap_or_default();
                    let said = said.trim_start_matches("twitch: ");
                    let channel = &self.opts.channel;
                    return if !said.is_empty() {
                        Lost::Unjoined(format!("the JOIN was not confirmed: {said}"))
                    } else if conns.heard {
                        // Twitch's answer to a JOIN of a channel that does not exist: none.
                        Lost::Unjoined(unanswered_join(channel))
                    } else {
                        Lost::Reason("the JOIN was not confirmed (the server said nothing)".into())
                    };
                }
            };
            match ev {
                ConnEvent::Frame { at, text } => {
                    conns.heard |= conn_id == conns.current.conn_id;
                    if let Err(exit) = self.on_frame(&mut conns, conn_id, at, &text, ev_tx).await {
                        return Lost::Exit(exit);
                    }
                    // Good once it has stayed in the channel a while: a server that takes
                    // the JOIN and drops us would otherwise be retried every second, forever.
                    let healthy = conns
                        .joined_at
                        .is_some_and(|t| t.elapsed() >= HEALTHY_AFTER);
                    if conns.joined && conns.current.conn_id == conn_id && healthy {
                        backoff.reset();
                    }
                }
                ConnEvent::Malformed { at, error } => {
                    if let Err(exit) = self.send(SourceMsg::Malformed { at, error }).await {
                        return Lost::Exit(exit);
                    }
                }
                ConnEvent::Ended { reason } => {
                    if conns.pending.as_ref().is_some_and(|p| p.conn_id == conn_id) {
                        tracing::warn!("twitch: the replacement connection failed ({reason})");
                        conns.pending = None;
                    } else if conns.current.conn_id == conn_id {
                        let Some(next) = conns.pending.take() else {
                            return Lost::Reason(reason);
                        };
                        // The old one closed before the new one joined: the new one takes over.
                        conns.current = next;
                        conns.joined = false;
                        conns.heard = false;
                        conns.join_by = Instant::now() + self.opts.connect_timeout * 2;
                    }
                }
            }
        }
    }

    async fn send(&self, msg: SourceMsg) -> Result<(), SourceExit> {
        self.tx.send(msg).await.map_err(|_| SourceExit::EngineGone)
    }

    async fn mark_down(&mut self) {
        if !self.down {
            self.down = true;
            let _ = self
                .tx
                .send(SourceMsg::Event {
                    at: wall_now(),
                    event: Event::SourceDown,
                })
                .await;
        }
    }
}

/// Twitch's answer to a JOIN of a channel that does not exist is none: what the live client
/// says then (and `doctor`, with [`check_the_name`]).
pub fn unanswered_join(channel: &str) -> String {
    format!(
        "Twitch did not answer the JOIN of #{channel}: {}",
        check_the_name(channel)
    )
}

/// What to do about an unanswered JOIN.
pub fn check_the_name(channel: &str) -> String {
    format!("check the name (twitch.tv/{channel}); a channel that does not exist gets no answer")
}
