//! What a test can observe of the fake: counters, subscriptions and the ledger of every event
//! frame it sent. Published through a `watch` channel so tests await conditions, never sleep.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// A connection's number, in accept order from 1.
pub type ConnId = u64;

/// One event frame the fake sent (protocol frames such as acks and pings are not listed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentFrame {
    /// Increasing from 0, in publish order.
    pub seq: u64,
    pub channel: String,
    /// The frame's `event`, or `""` when the frame is not JSON.
    pub event: String,
    /// The dedupe id: chat `id`, gift `correlation_id`, Kicks `gift_transaction_id`.
    pub id: Option<String>,
    /// Connections subscribed to `channel` when it was published.
    pub subscribers: u32,
    /// Connections whose socket accepted the frame.
    pub written: u32,
}

impl SentFrame {
    /// Reached at least one subscribed connection's socket.
    pub fn delivered(&self) -> bool {
        self.written > 0
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FakeStats {
    /// WebSocket upgrades accepted (including those then closed for a bad key).
    pub connections_accepted: u64,
    /// Open connections and the channels each is subscribed to.
    pub subscriptions: BTreeMap<ConnId, BTreeSet<String>>,
    /// `pusher:ping`s the server sent / `pusher:pong`s it received back.
    pub pings_sent: u64,
    pub pongs_received: u64,
    /// `pusher:ping`s clients sent (each answered with `pusher:pong`).
    pub client_pings: u64,
    /// Close frames the server sent, by code.
    pub closes_by_code: BTreeMap<u16, u64>,
    /// Close frames clients sent.
    pub client_closes: u64,
    /// Connections dropped without a close frame.
    pub drops: u64,
    /// Connection attempts refused (upgrade answered 503, or TCP closed at once).
    pub refused: u64,
    /// HTTP requests to the channel API, the official API and OAuth.
    pub api_requests: u64,
    /// …and the answers sent (later than the request by the API lag).
    pub api_answers: u64,
    /// OAuth tokens handed out.
    pub tokens_issued: u64,
    /// Centrifugo connection tokens handed out, `connect`s accepted, `refresh`es accepted.
    pub centrifugo_tokens: u64,
    pub centrifugo_connects: u64,
    pub centrifugo_refreshes: u64,
    /// The latest event frames, oldest first (capped by `FakeConfig::ledger_limit`).
    pub ledger: VecDeque<SentFrame>,
}

impl FakeStats {
    /// Open connections.
    pub fn open(&self) -> usize {
        self.subscriptions.len()
    }

    /// A connection subscribed to every one of `channels`, if any.
    pub fn subscribed_to_all(&self, channels: &[String]) -> Option<ConnId> {
        self.subscriptions
            .iter()
            .find(|(_, subs)| channels.iter().all(|c| subs.contains(c)))
            .map(|(id, _)| *id)
    }

    pub fn closes(&self, code: u16) -> u64 {
        self.closes_by_code.get(&code).copied().unwrap_or(0)
    }

    /// The ledger entry of a frame, if still held.
    pub fn frame(&self, seq: u64) -> Option<&SentFrame> {
        let first = self.ledger.front()?.seq;
        self.ledger
            .get(usize::try_from(seq.checked_sub(first)?).ok()?)
    }

    pub(crate) fn frame_mut(&mut self, seq: u64) -> Option<&mut SentFrame> {
        let first = self.ledger.front()?.seq;
        self.ledger
            .get_mut(usize::try_from(seq.checked_sub(first)?).ok()?)
    }

    /// Ids of the frames of `event` (prefix-insensitive) that reached a client.
    pub fn delivered_ids(&self, event: &str) -> Vec<String> {
        let want = strip_prefix(event);
        self.ledger
            .iter()
            .filter(|f| f.delivered() && strip_prefix(&f.event) == want)
            .filter_map(|f| f.id.clone())
            .collect()
    }

    /// Frames of `event` (prefix-insensitive) that reached a client.
    pub fn delivered_count(&self, event: &str) -> usize {
        let want = strip_prefix(event);
        self.ledger
            .iter()
            .filter(|f| f.delivered() && strip_prefix(&f.event) == want)
            .count()
    }
}

fn strip_prefix(event: &str) -> &str {
    event.strip_prefix("App\\Events\\").unwrap_or(event)
}
