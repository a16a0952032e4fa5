//! The handle tests and the demo drive the fake Twitch with: chat, cheers, every USERNOTICE
//! kind, moderation, stream state, PING / RECONNECT / dropped sockets, and what was observed.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::time::{Instant, sleep, sleep_until};

use super::lines::{self, Privmsg, User};
use super::state::{Out, Shared, Stream, TwitchStats};
use crate::domain::hash_str;
use crate::fake::ApiFailure;
use crate::fake::state::lock;
use crate::time::Ts;

/// What burst chatters say: keywords, Twitch global emotes (with their `emotes` tags) and a
/// BTTV emote typed as text (Twitch tags only its own).
const BURST_LINES: [(&str, &str); 8] = [
    ("CLIP THAT", ""),
    ("NO WAY", ""),
    ("KEKW KEKW", ""),
    ("OMG", ""),
    ("LUL LMAO", "425618:0-2"),
    ("W", ""),
    ("INSANE", ""),
    ("Kappa clip it Kappa", "25:0-4,14-18"),
];

#[derive(Clone)]
pub struct TwitchControl {
    shared: Arc<Shared>,
}

fn now() -> Ts {
    Ts::from_datetime(&Utc::now())
}

/// A stable user per name, subscribed for some months when the id says so.
fn user(name: &str) -> User {
    let id = 10_000_000 + hash_str(&name.to_lowercase()) % 900_000_000;
    let mut u = User::new(name, id);
    if id.is_multiple_of(3) {
        u.sub_months = 1 + (id % 30) as u32;
    }
    u
}

#[path = "usernotices.rs"]
mod usernotices;

impl TwitchControl {
    pub(crate) fn new(shared: Arc<Shared>) -> TwitchControl {
        TwitchControl { shared }
    }

    fn chat_line(
        &self,
        username: &str,
        text: &str,
        emotes: &str,
        bits: Option<u32>,
    ) -> (String, String) {
        let id = self.shared.uuid();
        let u = user(username);
        let line = lines::privmsg(&Privmsg {
            id: &id,
            room_id: self.shared.cfg.room_id,
            channel: &self.shared.cfg.channel,
            user: &u,
            text,
            emotes,
            bits,
            sent_ms: now().0,
        });
        (id, line)
    }

    /// One chat message; returns its id.
    pub fn chat(&self, username: &str, text: &str) -> String {
        self.chat_with_emotes(username, text, "")
    }

    /// One chat message with an `emotes` tag (`25:0-4`); returns its id.
    pub fn chat_with_emotes(&self, username: &str, text: &str, emotes: &str) -> String {
        let (id, line) = self.chat_line(username, text, emotes, None);
        self.shared.publish(vec![("chat", Some(id.clone()), line)]);
        id
    }

    /// Several chat messages in one WebSocket frame (as Twitch batches busy chats).
    pub fn chat_frame(&self, messages: &[(&str, &str)]) -> Vec<String> {
        let mut ids = Vec::new();
        let items = messages
            .iter()
            .map(|(u, t)| {
                let (id, line) = self.chat_line(u, t, "", None);
                ids.push(id.clone());
                ("chat", Some(id), line)
            })
            .collect();
        self.shared.publish(items);
        ids
    }

    /// A cheer: a chat message with a `bits` tag and the cheer token in its text.
    pub fn cheer(&self, username: &str, bits: u32, text: &str) -> String {
        let text = format!("Cheer{bits} {text}");
        let (id, line) = self.chat_line(username, text.trim_end(), "", Some(bits));
        self.shared.publish(vec![("chat", Some(id.clone()), line)]);
        id
    }

    /// `messages` lines from `users` chatters over `over`, three per frame. Returns the ids.
    pub async fn burst(&self, messages: u32, users: u32, over: Duration) -> Vec<String> {
        let frames = messages.div_ceil(3).max(1);
        let step = over / frames;
        let start = Instant::now();
        let mut ids = Vec::with_capacity(messages as usize);
        for f in 0..frames {
            sleep_until(start + step * f).await;
            let items = (f * 3..(f * 3 + 3).min(messages))
                .map(|i| {
                    let name = format!("viewer{}", i % users.max(1) + 1);
                    let (text, emotes) = BURST_LINES[i as usize % BURST_LINES.len()];
                    let (id, line) = self.chat_line(&name, text, emotes, None);
                    ids.push(id.clone());
                    ("chat", Some(id), line)
                })
                .collect();
            self.shared.publish(items);
        }
        ids
    }

    /// A NOTICE about the channel, as Twitch sends when it is suspended (`msg_channel_suspended`).
    pub fn channel_notice(&self, msg_id: &str, text: &str) {
        let line = format!(
            "@msg-id={msg_id} :tmi.twitch.tv NOTICE #{} :{text}",
            self.shared.cfg.channel
        );
        self.shared.publish(vec![("notice", None, line)]);
    }

    /// Deletes a message (CLEARMSG).
    pub fn delete(&self, message_id: &str) {
        let cfg = &self.shared.cfg;
        let line = lines::clearmsg(&cfg.channel, "someone", message_id, now().0, "deleted text");
        self.shared.publish(vec![("clearmsg", None, line)]);
    }

    /// Times out (`Some(secs)`) or bans (`None`) a user (CLEARCHAT).
    pub fn ban(&self, username: &str, secs: Option<u32>) {
        let cfg = &self.shared.cfg;
        let line = lines::clearchat(&cfg.channel, cfg.room_id, &user(username), secs, now().0);
        self.shared.publish(vec![("clearchat", None, line)]);
    }

    pub fn slow_mode(&self, secs: u32) {
        let cfg = &self.shared.cfg;
        let line = lines::slow_mode(&cfg.channel, cfg.room_id, secs);
        self.shared.publish(vec![("roomstate", None, line)]);
    }

    /// A frame holding an unreadable line between two chat messages.
    pub fn malformed(&self) -> Vec<String> {
        let (a, la) = self.chat_line("before", "before the bad line", "", None);
        let (b, lb) = self.chat_line("after", "after the bad line", "", None);
        self.shared.publish(vec![
            ("chat", Some(a.clone()), la),
            ("malformed", None, "@badges=;id=x".into()),
            ("chat", Some(b.clone()), lb),
        ]);
        vec![a, b]
    }

    /// Sends `PING :tmi.twitch.tv` to every open connection.
    pub fn ping(&self) {
        let ids = self.shared.open_ids();
        self.shared
            .stats
            .send_modify(|s| s.pings_sent += ids.len() as u64);
        self.shared.tell(&ids, || Out::Text(lines::PING.into()));
    }

    /// Sends a binary frame (Twitch sends only text) to every open connection.
    pub fn binary_frame(&self) {
        let ids = self.shared.open_ids();
        self.shared
            .tell(&ids, || Out::Binary(b"\x00\x01 not irc".to_vec()));
    }

    /// Sends RECONNECT to every open connection, keeps serving them for
    /// `FakeTwitchConfig::reconnect_grace`, then closes them.
    pub fn reconnect(&self) {
        let ids = self.shared.open_ids();
        self.shared
            .stats
            .send_modify(|s| s.reconnects_sent += ids.len() as u64);
        self.shared
            .tell(&ids, || Out::Text(lines::RECONNECT.into()));
        let shared = self.shared.clone();
        tokio::spawn(async move {
            sleep(shared.cfg.reconnect_grace).await;
            shared.tell(&ids, || Out::Close);
        });
    }

    /// While on, client PINGs get no PONG (a socket that died without closing).
    pub fn ignore_client_pings(&self, on: bool) {
        self.shared
            .ignore_pings
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// While on, a JOIN gets `msg_channel_suspended` instead of the room (as Twitch answers
    /// for a suspended channel).
    pub fn suspend_channel(&self, on: bool) {
        self.shared
            .suspended
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// While on, `CAP REQ` is answered with `CAP NAK` (a server without Twitch's capabilities).
    pub fn refuse_capabilities(&self, on: bool) {
        self.shared
            .refuse_caps
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Drops every open socket without a close frame.
    pub fn drop_all(&self) {
        let ids = self.shared.open_ids();
        self.shared.tell(&ids, || Out::Drop);
    }

    /// Answers new WebSocket upgrades with 503 for `for_`.
    pub fn refuse_connections(&self, for_: Duration) {
        *lock(&self.shared.refuse_until) = Some(Instant::now() + for_);
    }

    /// Goes live now with `title` (Helix reports it; a new title while live is kept).
    pub fn set_live(&self, title: &str) {
        let mut w = lock(&self.shared.world);
        w.title = title.into();
        match &mut w.live {
            Some(l) => l.title = title.into(),
            None => {
                w.live = Some(Stream {
                    title: title.into(),
                    viewers: 0,
                    started_at: now(),
                })
            }
        }
    }

    pub fn set_offline(&self) {
        lock(&self.shared.world).live = None;
    }

    pub fn set_viewers(&self, viewers: u32) {
        if let Some(l) = &mut lock(&self.shared.world).live {
            l.viewers = viewers;
        }
    }

    pub fn set_helix_failure(&self, mode: ApiFailure) {
        lock(&self.shared.world).helix_failure = mode;
    }

    pub fn revoke_tokens(&self) {
        lock(&self.shared.world).tokens.clear();
    }

    pub fn stats(&self) -> TwitchStats {
        self.shared.stats.borrow().clone()
    }

    /// Waits until `pred` holds (checked now and after every change).
    pub async fn wait_for(&self, mut pred: impl FnMut(&TwitchStats) -> bool) -> TwitchStats {
        let mut rx = self.shared.stats.subscribe();
        match rx.wait_for(|s| pred(s)).await {
            Ok(s) => s.clone(),
            Err(_) => self.stats(),
        }
    }

    /// Waits until `n` connections are joined to the channel.
    pub async fn wait_joined(&self, n: usize) -> TwitchStats {
        self.wait_for(|s| s.joined.len() >= n).await
    }
}
