//! The fake Twitch's shared state: the stream Helix reports, connection routing, and what a
//! test can observe (published through a `watch` so tests await conditions, never sleep).

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::FakeTwitchConfig;
use crate::fake::ApiFailure;
use crate::fake::state::lock;
use crate::time::Ts;

pub type ConnId = u64;

/// One chat line the fake published (protocol lines such as PING are not listed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentLine {
    /// Increasing from 0, in publish order.
    pub seq: u64,
    /// `chat`, `sub`, `resub`, `subgift`, `submysterygift`, `raid`, `clearmsg`, `clearchat`,
    /// `roomstate`, `unknown`, `malformed`.
    pub kind: &'static str,
    /// The `id` tag, when the line has one.
    pub id: Option<String>,
    /// Joined connections it was queued to / whose socket accepted it.
    pub queued: u32,
    pub written: u32,
}

impl SentLine {
    pub fn delivered(&self) -> bool {
        self.written > 0
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TwitchStats {
    pub connections_accepted: u64,
    /// Open connections, and those joined to the channel.
    pub open: BTreeSet<ConnId>,
    pub joined: BTreeSet<ConnId>,
    /// Every `NICK` and `CAP REQ` clients sent, in order.
    pub nicks: Vec<String>,
    pub cap_requests: Vec<String>,
    pub pings_sent: u64,
    /// PONGs answering our PING with its argument.
    pub pongs_received: u64,
    pub client_pings: u64,
    pub reconnects_sent: u64,
    pub drops: u64,
    pub refused: u64,
    pub api_requests: u64,
    pub tokens_issued: u64,
    pub ledger: VecDeque<SentLine>,
}

impl TwitchStats {
    /// Ids of the lines of `kind` that reached a client.
    pub fn delivered_ids(&self, kind: &str) -> Vec<String> {
        self.ledger
            .iter()
            .filter(|l| l.delivered() && l.kind == kind)
            .filter_map(|l| l.id.clone())
            .collect()
    }

    pub fn delivered_count(&self, kind: &str) -> usize {
        self.ledger
            .iter()
            .filter(|l| l.delivered() && l.kind == kind)
            .count()
    }

    fn line_mut(&mut self, seq: u64) -> Option<&mut SentLine> {
        let first = self.ledger.front()?.seq;
        self.ledger
            .get_mut(usize::try_from(seq.checked_sub(first)?).ok()?)
    }
}

/// What a connection task is told to do.
pub(crate) enum Out {
    Lines {
        seqs: Vec<u64>,
        text: String,
    },
    /// A protocol frame (PING, RECONNECT), not in the ledger.
    Text(String),
    /// A binary frame, which Twitch never sends: for clients' error paths.
    Binary(Vec<u8>),
    Close,
    Drop,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Stream {
    pub title: String,
    pub viewers: u32,
    pub started_at: Ts,
}

pub(crate) struct World {
    pub live: Option<Stream>,
    pub title: String,
    pub tokens: HashMap<String, Instant>,
    pub helix_failure: ApiFailure,
}

pub(crate) struct Shared {
    pub cfg: FakeTwitchConfig,
    pub world: Mutex<World>,
    conns: Mutex<HashMap<ConnId, mpsc::UnboundedSender<Out>>>,
    pub stats: watch::Sender<TwitchStats>,
    pub refuse_until: Mutex<Option<Instant>>,
    rng: Mutex<u64>,
    pub shutdown: watch::Sender<bool>,
    next_conn: AtomicU64,
    /// A dead-looking server: client PINGs get no PONG.
    pub ignore_pings: AtomicBool,
    /// A suspended channel: a JOIN is answered with Twitch's NOTICE, not the room.
    pub suspended: AtomicBool,
    /// A server that answers `CAP REQ` with `CAP NAK` (no tags, no commands).
    pub refuse_caps: AtomicBool,
}

impl Shared {
    pub fn new(cfg: FakeTwitchConfig) -> Arc<Shared> {
        let world = World {
            live: None,
            title: "Just Chatting".into(),
            tokens: HashMap::new(),
            helix_failure: ApiFailure::None,
        };
        Arc::new(Shared {
            rng: Mutex::new(cfg.seed),
            cfg,
            world: Mutex::new(world),
            conns: Mutex::new(HashMap::new()),
            stats: watch::Sender::new(TwitchStats::default()),
            refuse_until: Mutex::new(None),
            shutdown: watch::Sender::new(false),
            next_conn: AtomicU64::new(1),
            ignore_pings: AtomicBool::new(false),
            suspended: AtomicBool::new(false),
            refuse_caps: AtomicBool::new(false),
        })
    }

    /// splitmix64: ids repeat for a given seed.
    pub fn random(&self) -> u64 {
        let mut s = lock(&self.rng);
        *s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn uuid(&self) -> String {
        crate::fake::frames::uuid_from(
            (u128::from(self.random()) << 64) | u128::from(self.random()),
        )
    }

    pub fn refusing(&self) -> bool {
        let refused = lock(&self.refuse_until).is_some_and(|t| Instant::now() < t);
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
            s.connections_accepted += 1;
            s.open.insert(id);
        });
        (id, rx)
    }

    pub fn unregister(&self, id: ConnId) {
        lock(&self.conns).remove(&id);
        self.stats.send_modify(|s| {
            s.open.remove(&id);
            s.joined.remove(&id);
        });
    }

    pub fn tell(&self, ids: &[ConnId], what: impl Fn() -> Out) {
        let conns = lock(&self.conns);
        for id in ids {
            if let Some(tx) = conns.get(id) {
                let _ = tx.send(what());
            }
        }
    }

    pub fn open_ids(&self) -> Vec<ConnId> {
        lock(&self.conns).keys().copied().collect()
    }

    /// Sends lines as one frame to every joined connection and records each in the ledger.
    pub fn publish(&self, items: Vec<(&'static str, Option<String>, String)>) -> Vec<u64> {
        let limit = self.cfg.ledger_limit.max(1);
        let mut seqs = Vec::with_capacity(items.len());
        let mut targets = Vec::new();
        let mut lines = Vec::with_capacity(items.len());
        self.stats.send_modify(|s| {
            targets = s.joined.iter().copied().collect();
            for (kind, id, line) in items {
                let seq = s.ledger.back().map_or(0, |l| l.seq + 1);
                s.ledger.push_back(SentLine {
                    seq,
                    kind,
                    id,
                    queued: 0,
                    written: 0,
                });
                seqs.push(seq);
                lines.push(line);
            }
            while s.ledger.len() > limit {
                s.ledger.pop_front();
            }
        });
        let text = lines.join("\r\n");
        let mut queued = 0;
        {
            let conns = lock(&self.conns);
            for t in &targets {
                let out = Out::Lines {
                    seqs: seqs.clone(),
                    text: text.clone(),
                };
                if conns.get(t).is_some_and(|tx| tx.send(out).is_ok()) {
                    queued += 1;
                }
            }
        }
        self.stats.send_modify(|s| {
            for seq in &seqs {
                if let Some(l) = s.line_mut(*seq) {
                    l.queued = queued;
                }
            }
        });
        seqs
    }

    pub fn mark_written(&self, seqs: &[u64]) {
        self.stats.send_modify(|s| {
            for seq in seqs {
                if let Some(l) = s.line_mut(*seq) {
                    l.written += 1;
                }
            }
        });
    }
}
