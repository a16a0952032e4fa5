//! The handle tests and the demo drive the fake with: stream state, chat and events,
//! connection faults, API failure modes, and awaiting what the fake observed.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::Value;
use tokio::time::{Instant, sleep_until};

use super::frames::{self, Chat, Kicks};
use super::script::Script;
use super::state::{Out, Shared, lock};
use super::stats::{ConnId, FakeStats, SentFrame};
use super::{ApiFailure, FakeChannel, FakeLive, Refuse};
use crate::domain::hash_str;
use crate::time::Ts;

/// What burst chatters say: keywords and emotes the detectors know.
const BURST_LINES: [&str; 8] = [
    "CLIP THAT",
    "NO WAY",
    "[emote:37226:KEKW][emote:37226:KEKW]",
    "OMG",
    "LMAO [emote:37226:KEKW]",
    "W",
    "INSANE",
    "clip it [emote:39261:KEKLEO]",
];

/// Cloneable; every method acts on one channel (the first configured, or [`Self::channel`]).
#[derive(Clone)]
pub struct FakeControl {
    shared: Arc<Shared>,
    target: usize,
}

fn now() -> Ts {
    Ts::from_datetime(&Utc::now())
}

/// A stable user id per name, so one chatter keeps one id.
fn user_id(username: &str) -> u64 {
    1_000_000 + hash_str(&username.to_lowercase()) % 100_000_000
}

impl FakeControl {
    pub(crate) fn new(shared: Arc<Shared>, target: usize) -> FakeControl {
        FakeControl { shared, target }
    }

    /// A handle driving another configured channel.
    pub fn channel(&self, slug: &str) -> Option<FakeControl> {
        let target = lock(&self.shared.world)
            .channels
            .iter()
            .position(|c| c.slug == slug)?;
        Some(FakeControl::new(self.shared.clone(), target))
    }

    /// The channel as the API currently reports it.
    pub fn info(&self) -> FakeChannel {
        lock(&self.shared.world).channels[self.target].clone()
    }

    pub fn pusher_channels(&self) -> [String; 5] {
        self.info().pusher_channels()
    }

    /// Goes live (emits `StreamerIsLive` on `channel.{id}` if it was offline) with `title`.
    pub fn set_live(&self, title: &str) {
        self.set_live_since(title, now());
    }

    /// [`FakeControl::set_live`] with the stream started at `started_at` (a stream the API
    /// and socket only tell of late).
    pub fn set_live_since(&self, title: &str, started_at: Ts) {
        let frame = {
            let mut world = lock(&self.shared.world);
            let livestream_id = world.next_livestream_id();
            let c = &mut world.channels[self.target];
            c.title = title.into();
            if c.live.is_some() {
                return;
            }
            c.live = Some(FakeLive {
                livestream_id,
                viewers: 0,
                started_at,
            });
            let f = frames::streamer_is_live(c.channel_id, livestream_id, title, started_at);
            (frames::live_channel(c.channel_id), f)
        };
        self.shared.publish(&frame.0, frame.1, None);
    }

    /// Goes offline (emits `StopStreamBroadcast` if it was live).
    pub fn set_offline(&self) {
        let frame = {
            let mut world = lock(&self.shared.world);
            let c = &mut world.channels[self.target];
            let Some(live) = c.live.take() else { return };
            let f = frames::stop_stream_broadcast(c.channel_id, live.livestream_id);
            (frames::live_channel(c.channel_id), f)
        };
        self.shared.publish(&frame.0, frame.1, None);
    }

    /// Sets the viewer count the API reports (ignored while offline).
    pub fn set_viewers(&self, viewers: u32) {
        let mut world = lock(&self.shared.world);
        if let Some(live) = &mut world.channels[self.target].live {
            live.viewers = viewers;
        }
    }

    /// A chat message from `username`, stamped now, with a fresh id and some badges.
    pub fn new_chat(&self, username: &str, text: &str) -> Chat {
        let uid = user_id(username);
        let mut chat = Chat::new(
            &self.shared.uuid(),
            self.info().chatroom_id,
            uid,
            username,
            text,
        );
        chat.created_at = now();
        if uid.is_multiple_of(3) {
            chat.badges
                .push(frames::Badge::subscriber(1 + (uid % 24) as u32));
        }
        chat.level = Some(1 + (uid % 60) as u32);
        chat
    }

    /// Sends a chat message on `chatrooms.{id}.v2`; returns its ledger sequence number.
    pub fn send_chat(&self, chat: &Chat) -> u64 {
        let channel = frames::chat_channel(chat.chatroom_id);
        self.shared
            .publish(&channel, frames::chat(chat), Some(chat.id.clone()))
    }

    /// Sends one chat message; returns its id.
    pub fn chat(&self, username: &str, text: &str) -> String {
        let chat = self.new_chat(username, text);
        self.send_chat(&chat);
        chat.id
    }

    /// `messages` chat lines from `users` chatters, spread evenly over `over` (zero: at
    /// once). Returns the message ids in order.
    pub async fn burst(&self, messages: u32, users: u32, over: Duration) -> Vec<String> {
        let step = over / messages.max(1);
        let start = Instant::now();
        let mut ids = Vec::with_capacity(messages as usize);
        for i in 0..messages {
            sleep_until(start + step * i).await;
            let user = format!("viewer{}", i % users.max(1) + 1);
            let line = BURST_LINES[i as usize % BURST_LINES.len()];
            ids.push(self.chat(&user, line));
        }
        ids
    }

    /// A sub, with every duplicate Kick sends for one (§1.5): `SubscriptionEvent`,
    /// `ChannelSubscriptionEvent`, `NewSubscriberUpdatedEvent`, `NewActivityFeedEvent`, and the
    /// legacy `ChatMessageSentEvent` info line.
    pub fn sub(&self, username: &str, months: u32) {
        let c = self.info();
        let uid = user_id(username);
        let info_id = self.shared.uuid();
        let at = now();
        let (chat, chatroom, events) = (
            frames::chat_channel(c.chatroom_id),
            frames::chatroom_channel(c.chatroom_id),
            frames::channel_events_channel(c.channel_id),
        );
        let publish = |channel: &str, frame: String| self.shared.publish(channel, frame, None);
        publish(&chat, frames::subscription(c.chatroom_id, username, months));
        publish(
            &events,
            frames::channel_subscription(c.channel_id, uid, username),
        );
        publish(
            &events,
            frames::new_subscriber_updated(c.channel_id, username, months),
        );
        publish(
            &events,
            frames::new_activity_feed(c.channel_id, username, at),
        );
        let info =
            frames::chat_message_sent_info(c.chatroom_id, &info_id, uid, username, months, at);
        self.shared.publish(&chatroom, info, Some(info_id));
    }

    /// `count` gifted subs from `gifter` (plus `GiftsLeaderboardUpdated`); returns the
    /// `correlation_id`.
    pub fn gift_subs(&self, gifter: &str, count: u32) -> String {
        let c = self.info();
        let correlation = format!("7000{:011}", self.shared.random() % 100_000_000_000);
        let gifted: Vec<String> = (0..count)
            .map(|_| format!("lucky{}", self.shared.random() % 100_000))
            .collect();
        let total = {
            let mut world = lock(&self.shared.world);
            let t = world.gift_totals.entry(gifter.to_lowercase()).or_default();
            *t += count;
            *t
        };
        let frame =
            frames::gifted_subscriptions(c.chatroom_id, &correlation, gifter, &gifted, total);
        let channel = frames::chatroom_channel(c.chatroom_id);
        self.shared
            .publish(&channel, frame, Some(correlation.clone()));
        let board = frames::gifts_leaderboard_updated(c.channel_id, user_id(gifter), gifter, total);
        let events = frames::channel_events_channel(c.channel_id);
        self.shared.publish(&events, board, None);
        correlation
    }

    /// A Kicks gift (plus `KicksLeaderboardUpdated`); returns the `gift_transaction_id`.
    pub fn kicks(&self, username: &str, amount: u32, message: &str) -> String {
        let c = self.info();
        let k = Kicks {
            transaction_id: self.shared.uuid(),
            user_id: user_id(username),
            username: username.into(),
            amount,
            message: message.into(),
            at: now(),
        };
        let total = {
            let mut world = lock(&self.shared.world);
            let t = world
                .kicks_totals
                .entry(username.to_lowercase())
                .or_default();
            *t += amount;
            *t
        };
        let events = frames::channel_events_channel(c.channel_id);
        let gifted = frames::kicks_gifted(c.channel_id, &k);
        self.shared
            .publish(&events, gifted, Some(k.transaction_id.clone()));
        let board = frames::kicks_leaderboard_updated(c.channel_id, k.user_id, username, total);
        self.shared.publish(&events, board, None);
        k.transaction_id
    }

    /// A raid / host (`StreamHostEvent`).
    pub fn raid(&self, host: &str, viewers: u32) {
        let c = self.info();
        let frame = frames::stream_host(c.chatroom_id, host, viewers, None);
        self.shared
            .publish(&frames::chat_channel(c.chatroom_id), frame, None);
    }

    /// A chat frame whose `data` is cut-off JSON.
    pub fn malformed(&self) -> u64 {
        let c = self.info();
        let frame = frames::malformed_chat(c.chatroom_id);
        self.shared
            .publish(&frames::chat_channel(c.chatroom_id), frame, None)
    }

    /// An event no client knows, on the chat channel.
    pub fn unknown_event(&self) -> u64 {
        let channel = frames::chat_channel(self.info().chatroom_id);
        self.shared
            .publish(&channel, frames::unknown_event(&channel), None)
    }

    /// Any text to the subscribers of `channel` (it need not be JSON).
    pub fn send_raw(&self, channel: &str, text: impl Into<String>) -> u64 {
        self.shared.publish(channel, text.into(), None)
    }

    /// Any event with `data` stringified, as Pusher sends it.
    pub fn send_event(&self, channel: &str, event: &str, data: &Value) -> u64 {
        let frame = frames::frame(event, Some(channel), data);
        self.shared.publish(channel, frame, None)
    }

    /// Closes every open socket with `code` (a `pusher:error` first for 4000+ codes).
    pub fn close_all(&self, code: u16) {
        self.shared.tell_all(|| Out::Close(code));
    }

    /// Drops every open socket's TCP connection without a close frame.
    pub fn drop_all(&self) {
        self.shared.tell_all(|| Out::Drop);
    }

    /// Refuses new connections for `for_` (open ones stay).
    pub fn refuse_connections(&self, how: Refuse, for_: Duration) {
        self.shared.refuse(how, for_);
    }

    /// Ends a refusal early.
    pub fn accept_connections(&self) {
        self.shared.accept_again();
    }

    /// How the channel API (`/api/v2/…`) answers from now on.
    pub fn set_api_failure(&self, mode: ApiFailure) {
        lock(&self.shared.world).api_failure = mode;
    }

    /// How the official API and its OAuth endpoint answer from now on.
    pub fn set_official_failure(&self, mode: ApiFailure) {
        lock(&self.shared.world).official_failure = mode;
    }

    /// The APIs answer `lag` late with what was so when asked (a slow or cached API).
    pub fn set_api_lag(&self, lag: Duration) {
        lock(&self.shared.world).api_lag = lag;
    }

    /// Kick bans the channel (`is_banned` in its JSON) while `on`.
    pub fn set_banned(&self, on: bool) {
        lock(&self.shared.world).channels[self.target].banned = on;
    }

    /// The APIs say offline (`true`) whatever the chat socket was told, until set back.
    pub fn set_api_says_offline(&self, on: bool) {
        lock(&self.shared.world).api_says_offline = on;
    }

    /// Centrifugo connects are refused (close 3500 "invalid token") while `on`.
    pub fn refuse_centrifugo(&self, on: bool) {
        lock(&self.shared.world).centrifugo_refusing = on;
    }

    /// Every subscription is refused while `on`: Pusher's `subscription_error`, Centrifugo's
    /// error 103.
    pub fn refuse_subscriptions(&self, on: bool) {
        lock(&self.shared.world).subscriptions_refused = on;
    }

    /// Forgets every issued OAuth token (clients then get 401 and must fetch a new one).
    pub fn revoke_tokens(&self) {
        lock(&self.shared.world).tokens.clear();
    }

    pub fn stats(&self) -> FakeStats {
        self.shared.stats.borrow().clone()
    }

    /// Reads the stats without cloning the ledger.
    pub fn with_stats<R>(&self, f: impl FnOnce(&FakeStats) -> R) -> R {
        f(&self.shared.stats.borrow())
    }

    pub fn ledger(&self) -> Vec<SentFrame> {
        self.with_stats(|s| s.ledger.iter().cloned().collect())
    }

    /// Waits until `pred` holds (checked now and after every change); returns the stats.
    pub async fn wait_for(&self, mut pred: impl FnMut(&FakeStats) -> bool) -> FakeStats {
        let mut rx = self.shared.stats.subscribe();
        // The sender lives as long as `self`, so this cannot fail; fall back to a snapshot.
        match rx.wait_for(|s| pred(s)).await {
            Ok(s) => s.clone(),
            Err(_) => self.stats(),
        }
    }

    /// Waits until a connection is subscribed to all five of this channel's Pusher channels.
    pub async fn wait_subscribed(&self) -> ConnId {
        let channels = self.pusher_channels();
        let stats = self
            .wait_for(|s| s.subscribed_to_all(&channels).is_some())
            .await;
        stats.subscribed_to_all(&channels).unwrap_or_default()
    }

    /// Runs a timed script to its end (bursts run alongside the following steps).
    pub async fn run_script(&self, script: &Script) {
        script.run(self).await;
    }
}
