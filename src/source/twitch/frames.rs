//! What one frame from a Twitch connection does: PINGs answered, RECONNECT followed, our JOIN
//! confirmed (the chat live again), NOTICEs passed on, everything else mapped to events once.

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::conn::ConnEvent;
use super::{Conns, SourceExit, TwitchSource, irc, map};
use crate::domain::{Event, Ts};
use crate::source::{ChatState, SourceMsg};

impl TwitchSource {
    pub(super) async fn on_frame(
        &mut self,
        conns: &mut Conns,
        conn_id: u64,
        at: Ts,
        text: &str,
        ev_tx: &mpsc::Sender<(u64, ConnEvent)>,
    ) -> Result<(), SourceExit> {
        if self.opts.capture {
            // IRC text is not JSON: as a JSON string, capture lines stay valid JSON
            // (`{"recv": …, "frame": "…"}`), and `kicktui replay` reads them back.
            let frame = SourceMsg::Frame {
                at,
                text: serde_json::Value::from(text).to_string(),
            };
            self.send(frame).await?;
        }
        let mut events = Vec::new();
        for line in irc::lines(text) {
            let m = match irc::parse(line) {
                Ok(m) => m,
                Err(e) => {
                    let error = format!("twitch: {e}");
                    self.send(SourceMsg::Malformed { at, error }).await?;
                    continue;
                }
            };
            match m.command {
                "PING" => {
                    let arg = m.trailing().unwrap_or("tmi.twitch.tv");
                    let conn = [Some(&conns.current), conns.pending.as_ref()];
                    if let Some(c) = conn.into_iter().flatten().find(|c| c.conn_id == conn_id) {
                        c.send(format!("PONG :{arg}"));
                    }
                }
                "RECONNECT" if conn_id == conns.current.conn_id && conns.pending.is_none() => {
                    tracing::info!("twitch asked for a reconnect; joining on a new connection");
                    conns.pending = Some(self.spawn(ev_tx));
                }
                "JOIN" if self.is_our_join(&m) => self.joined(conns, conn_id, at).await?,
                "CAP" if m.param(1) == Some("NAK") => self.caps_refused(m.trailing()).await?,
                // Twitch's word on the channel (suspended, banned, no such channel, …).
                "NOTICE" => {
                    let what = m.tag_nonempty("msg-id");
                    let what = what.map(|w| format!("{w}: ")).unwrap_or_default();
                    let said = m.trailing().unwrap_or_default();
                    let text = crate::terminal_text::clean(&format!("twitch: {what}{said}"));
                    self.notice_now = Some(text.clone());
                    if self.last_notice.as_ref() != Some(&text) {
                        self.last_notice = Some(text.clone());
                        self.send(SourceMsg::Notice { text }).await?;
                    }
                }
                _ => {
                    if let Some(key) = map::dedup_key(&m)
                        && !self.dedup.first_time(&key)
                    {
                        continue;
                    }
                    if let Err(e) = self.mapper.map(&m, &mut events) {
                        let error = format!("twitch: {e}");
                        self.send(SourceMsg::Malformed { at, error }).await?;
                    }
                    if !events.is_empty() {
                        self.quiet_since = None;
                    }
                    for event in events.drain(..) {
                        self.send(SourceMsg::Event { at, event }).await?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Without tags and commands the chat still reads, but subs, gifts, raids, bits, badges
    /// and message ids do not: said once a run, not on every reconnect.
    async fn caps_refused(&mut self, caps: Option<&str>) -> Result<(), SourceExit> {
        if std::mem::replace(&mut self.caps_refused_said, true) {
            return Ok(());
        }
        let caps = caps.filter(|c| !c.trim().is_empty()).unwrap_or(irc::CAPS);
        let text = crate::terminal_text::clean(&format!(
            "twitch: the chat server refused the capabilities {caps} (CAP NAK): chat is read \
             without them, so subs, gifted subs, raids, bits, badges and deletions are not seen \
             and no money is counted; check [twitch] irc_url (Twitch's own server accepts them)"
        ));
        self.send(SourceMsg::Notice { text }).await
    }

    fn is_our_join(&self, m: &irc::IrcMessage<'_>) -> bool {
        let channel = m.param(0).and_then(|c| c.strip_prefix('#'));
        m.nick().is_some_and(|n| n.eq_ignore_ascii_case(&self.nick))
            && channel.is_some_and(|c| c.eq_ignore_ascii_case(&self.opts.channel))
    }

    async fn joined(&mut self, conns: &mut Conns, conn_id: u64, at: Ts) -> Result<(), SourceExit> {
        if conns.pending.as_ref().is_some_and(|p| p.conn_id == conn_id) {
            // The replacement is in the channel: only now let the old connection go.
            if let Some(next) = conns.pending.take() {
                std::mem::replace(&mut conns.current, next).close();
                conns.joined = true;
            }
            return Ok(());
        }
        if conns.current.conn_id != conn_id {
            return Ok(());
        }
        conns.joined = true;
        self.failed_tries = 0;
        conns.joined_at.get_or_insert_with(Instant::now);
        if self.lives == 0 {
            self.quiet_since = Some(Instant::now());
        }
        self.state
            .send_replace(ChatState::live_again(&mut self.lives));
        if std::mem::replace(&mut self.down, false) {
            self.send(SourceMsg::Event {
                at,
                event: Event::SourceUp,
            })
            .await?;
        }
        Ok(())
    }
}
