//! The fake's shared state: the channels the API reports, connection routing, the refusal
//! switch and the observed stats. Locks are std mutexes, never held across an await.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::stats::{ConnId, FakeStats, SentFrame};
use super::{ApiFailure, FakeChannel, FakeConfig, Refuse};

/// What a connection task is told to do.
pub(crate) enum Out {
    Frame {
        seq: u64,
        /// The Pusher frame; a Centrifugo connection wraps it in a publication.
        text: String,
        channel: String,
    },
    Close(u16),
    /// Drop the TCP connection without a close frame.
    Drop,
}

pub(crate) struct World {
    pub channels: Vec<FakeChannel>,
    pub api_failure: ApiFailure,
    pub official_failure: ApiFailure,
    /// Issued OAuth tokens and when each expires.
    pub tokens: HashMap<String, Instant>,
    /// Lifetime gifted subs / Kicks per user, for the leaderboards.
    pub gift_totals: HashMap<String, u32>,
    pub kicks_totals: HashMap<String, u32>,
    /// Centrifugo connection tokens and when each expires.
    pub centrifugo_tokens: HashMap<String, Instant>,
    /// Centrifugo connects are refused (close 3500, "invalid token").
    pub centrifugo_refusing: bool,
    /// Subscriptions to chat channels are refused (both transports).
    pub subscriptions_refused: bool,
    /// The channel and official APIs answer this late, with what was so when asked.
    pub api_lag: std::time::Duration,
    /// The APIs say offline whatever the chat socket was told (a flaky or cached API).
    pub api_says_offline: bool,
    next_livestream: u64,
}

impl World {
    pub fn channel(&self, slug: &str) -> Option<&FakeChannel> {
        self.channels.iter().find(|c| c.slug == slug)
    }

    /// The channel as the APIs report it.
    pub fn api_channel(&self, slug: &str) -> Option<FakeChannel> {
        let mut c = self.channel(slug)?.clone();
        if self.api_says_offline {
            c.live = None;
        }
        Some(c)
    }

    pub fn next_livestream_id(&mut self) -> u64 {
        self.next_livestream += 1;
        self.next_livestream
    }
}

pub(crate) struct Shared {
    pub cfg: FakeConfig,
    pub world: Mutex<World>,
    conns: Mutex<HashMap<ConnId, mpsc::UnboundedSender<Out>>>,
    pub stats: watch::Sender<FakeStats>,
    refusal: Mutex<Option<(Instant, Refuse)>>,
    rng: Mutex<u64>,
    pub shutdown: watch::Sender<bool>,
    next_conn: AtomicU64,
}

/// Poisoning only follows a panic elsewhere; the data is still usable for a fake.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub fn new(cfg: FakeConfig) -> Arc<Shared> {
        let world = World {
            channels: cfg.channels.clone(),
            api_failure: ApiFailure::None,
            official_failure: ApiFailure::None,
            tokens: HashMap::new(),
            gift_totals: HashMap::new(),
            kicks_totals: HashMap::new(),
            centrifugo_tokens: HashMap::new(),
            centrifugo_refusing: false,
            subscriptions_refused: false,
            api_lag: std::time::Duration::ZERO,
            api_says_offline: false,
            // From the clock: a demo run after another is another stream, with another id.
            next_livestream: u64::try_from(crate::time::wall_now().0 / 1000).unwrap_or(0),
        };
        Arc::new(Shared {
            rng: Mutex::new(cfg.seed),
            cfg,
            world: Mutex::new(world),
            conns: Mutex::new(HashMap::new()),
            stats: watch::Sender::new(FakeStats::default()),
            refusal: Mutex::new(None),
            shutdown: watch::Sender::new(false),
            next_conn: AtomicU64::new(1),
        })
    }

    /// 64 pseudo-random bits (splitmix64): ids are deterministic for a given seed.
    pub fn random(&self) -> u64 {
        let mut s = lock(&self.rng);
        *s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn uuid(&self) -> String {
        super::frames::uuid_from((u128::from(self.random()) << 64) | u128::from(self.random()))
    }

    pub fn refuse(&self, mode: Refuse, for_: Duration) {
        *lock(&self.refusal) = Some((Instant::now() + for_, mode));
    }

    pub fn accept_again(&self) {
        *lock(&self.refusal) = None;
    }

    /// Whether a new connection is refused this way right now (and counts it if so).
    pub fn refusing(&self, mode: Refuse) -> bool {
        let refused = match *lock(&self.refusal) {
            Some((until, m)) => m == mode && Instant::now() < until,
            None => false,
        };
        if refused {
            self.stats.send_modify(|s| s.refused += 1);
        }
        refused
    }

    pub fn register(&self) -> (ConnId, mpsc::UnboundedReceiver<Out>) {
        let id = self.next_conn.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::unbounded_channel();
        lock(&self.conns).insert(id, tx);
        self.stats.send_modify(|s| {
            s.subscriptions.insert(id, Default::default());
        });
        (id, rx)
    }

    pub fn unregister(&self, id: ConnId) {
        lock(&self.conns).remove(&id);
        self.stats.send_modify(|s| {
            s.subscriptions.remove(&id);
        });
    }

    /// Tells every open connection to do `what`.
    pub fn tell_all(&self, what: impl Fn() -> Out) {
        for tx in lock(&self.conns).values() {
            let _ = tx.send(what());
        }
    }

    /// Queues an event frame to every connection subscribed to `channel`, and records it.
    pub fn publish(&self, channel: &str, text: String, id: Option<String>) -> u64 {
        let event = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("event")?.as_str().map(String::from))
            .unwrap_or_default();
        let limit = self.cfg.ledger_limit.max(1);
        // The entry exists before any connection can report the frame written.
        let mut seq = 0;
        let mut targets = Vec::new();
        self.stats.send_modify(|s| {
            seq = s.ledger.back().map_or(0, |f| f.seq + 1);
            targets = s
                .subscriptions
                .iter()
                .filter(|(_, subs)| subs.contains(channel))
                .map(|(id, _)| *id)
                .collect();
            s.ledger.push_back(SentFrame {
                seq,
                channel: channel.into(),
                event,
                id,
                subscribers: 0,
                written: 0,
            });
            while s.ledger.len() > limit {
                s.ledger.pop_front();
            }
        });
        let mut queued = 0;
        {
            let conns = lock(&self.conns);
            for t in &targets {
                let frame = Out::Frame {
                    seq,
                    text: text.clone(),
                    channel: channel.to_string(),
                };
                if conns.get(t).is_some_and(|tx| tx.send(frame).is_ok()) {
                    queued += 1;
                }
            }
        }
        self.stats.send_modify(|s| {
            if let Some(f) = s.frame_mut(seq) {
                f.subscribers = queued;
            }
        });
        seq
    }

    pub fn mark_written(&self, seq: u64) {
        self.stats.send_modify(|s| {
            if let Some(f) = s.frame_mut(seq) {
                f.written += 1;
            }
        });
    }
}
