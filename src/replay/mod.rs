//! `kicktui replay`: the detectors over a chat log on the log's own clock, as fast as the
//! machine allows. Same input, same output, byte for byte.

pub mod lines;
mod output;
pub mod twitch_export;

use std::collections::BTreeMap;
use std::io::BufRead;

pub use output::{OutputFormat, render};

use crate::config::Config;
use crate::domain::{Event, Moment, Ts};
use crate::engine::core::{Core, Effect, OffsetBase};
use crate::source::dedup::Dedup;
use lines::{LineItem, parse_line};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReplayStats {
    pub lines: u64,
    pub chat_messages: u64,
    pub events: BTreeMap<&'static str, u64>,
    pub errors: u64,
    pub first_ts: Option<Ts>,
    pub last_ts: Option<Ts>,
    /// Duplicates dropped (the same message id seen twice).
    pub duplicates: u64,
    /// Lines dated before the line ahead of them (an unsorted log), taken at its time.
    pub late: u64,
    /// The longest silence between two lines, and where it ends (two streams in one log,
    /// such as a capture file several runs appended to).
    pub longest_gap: Option<(f64, Ts)>,
    /// When the log first says the stream went live (a capture's live event): a live run's
    /// moments count from there, replay's from the first event.
    pub went_live: Option<Ts>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReplayReport {
    pub stats: ReplayStats,
    pub moments: Vec<Moment>,
    /// Subs, gifts, Kicks, donations, raids (few; kept so `--save` can store them).
    pub notable: Vec<(Ts, Event)>,
    /// The chat counts per window and the viewer samples (so `--save` stores what a live
    /// run would: the report's peak rate and viewers).
    pub chat_windows: Vec<crate::engine::core::ChatStats>,
    pub viewer_samples: Vec<(Ts, u32)>,
    /// Chat messages counted (no bots or !commands), distinct chatters and the engagement
    /// score over the log.
    pub counted_messages: u64,
    pub unique_chatters: u64,
    pub engagement: crate::engage::metrics::ScoreStats,
    /// The first error, with its line number, for the text report.
    pub first_error: Option<String>,
}

/// Message ids remembered for de-duplication.
const DEDUP_CAPACITY: usize = 100_000;

/// Feeds events to the core in order and collects what comes out.
pub struct Replayer {
    core: Core,
    /// Made on first use: the pipelined `run` de-duplicates on its reader's thread instead.
    dedup: Option<Dedup>,
    clock: Option<Ts>,
    report: ReplayReport,
}

impl Replayer {
    pub fn new(cfg: &Config) -> Replayer {
        Replayer {
            core: Core::new(cfg, OffsetBase::FirstEvent),
            dedup: None,
            clock: None,
            report: ReplayReport::default(),
        }
    }

    pub fn line(&mut self, line: &str) {
        if line.trim().is_empty() {
            return;
        }
        self.report.stats.lines += 1;
        let item = parse_line(line);
        self.item(item);
    }

    /// A line decoded elsewhere (the pipelined reader).
    fn decoded(&mut self, slot: &Slot) {
        match &slot.state {
            State::Blank => {}
            State::Item => {
                self.report.stats.lines += 1;
                self.fresh_item(&slot.item);
            }
            State::Duplicate => {
                self.report.stats.lines += 1;
                self.report.stats.duplicates += 1;
            }
            State::Error(e) => {
                self.report.stats.lines += 1;
                self.error(e.clone());
            }
        }
    }

    pub fn item(&mut self, item: Result<LineItem, lines::LineError>) {
        match item {
            Ok(item) => self.line_item(&item),
            Err(e) => self.error(e.to_string()),
        }
    }

    fn line_item(&mut self, item: &LineItem) {
        if let LineItem::Event { key: Some(k), .. } = item
            && self.duplicate(k)
        {
            return;
        }
        self.fresh_item(item);
    }

    /// True (and counted) when `key` was seen before.
    fn duplicate(&mut self, key: &crate::source::dedup::DedupKey) -> bool {
        let dedup = self.dedup.get_or_insert_with(|| Dedup::new(DEDUP_CAPACITY));
        let seen = !dedup.first_time(key);
        self.report.stats.duplicates += u64::from(seen);
        seen
    }

    /// An item past de-duplication (the pipelined reader does that on its own thread).
    fn fresh_item(&mut self, item: &LineItem) {
        if let LineItem::Event { at, event, .. } = item {
            let Some(t) = at.or(self.clock) else {
                self.error("an event with no time before any timed line".into());
                return;
            };
            self.event(t, event);
        }
    }

    fn error(&mut self, msg: String) {
        self.report.stats.errors += 1;
        if self.report.first_error.is_none() {
            self.report.first_error = Some(format!("line {}: {msg}", self.report.stats.lines));
        }
    }

    pub fn event(&mut self, t: Ts, event: &Event) {
        // The log's clock never runs backwards: a late line is taken at the current time.
        let late = self.clock.is_some_and(|c| t.0 + 1000 < c.0);
        let t = self.clock.map_or(t, |c| t.max(c));
        // The core drops money no one sends in one go (and counts it): an unreadable line.
        let dropped = self.core.totals.implausible;
        let effects = self.core.on_event(t, event);
        if self.core.totals.implausible > dropped {
            self.error(format!(
                "an implausible {} (over ${:.0}, or 10,000 gifted subs, in one go): taken for \
                 garbage",
                event.name(),
                crate::domain::MAX_EVENT_USD
            ));
            return;
        }
        if late {
            self.report.stats.late += 1;
        }
        if matches!(event, Event::Live { .. }) {
            self.report.stats.went_live.get_or_insert(t);
        }
        if let Some(c) = self.clock {
            let gap = t.secs_since(c);
            if self.report.stats.longest_gap.is_none_or(|(g, _)| gap > g) {
                self.report.stats.longest_gap = Some((gap, t));
            }
        }
        self.clock = Some(t);
        let stats = &mut self.report.stats;
        stats.first_ts.get_or_insert(t);
        stats.last_ts = Some(t);
        if matches!(event, Event::Chat(_)) {
            stats.chat_messages += 1;
        }
        *stats.events.entry(event.name()).or_insert(0) += 1;
        self.collect(effects);
    }

    fn collect(&mut self, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Moment(m) => self.report.moments.push(m),
                Effect::Notable { at, event } => self.report.notable.push((at, event)),
                Effect::ChatStats(w) => self.report.chat_windows.push(w),
                Effect::ViewerSample { at, viewers } => {
                    self.report.viewer_samples.push((at, viewers));
                }
                _ => {}
            }
        }
    }

    /// The engagement score's statistics over the log so far (min, max, mean).
    pub fn engagement(&self) -> crate::engage::metrics::ScoreStats {
        self.core.engage.lifetime
    }

    pub fn finish(mut self) -> ReplayReport {
        if let Some(t) = self.clock {
            let effects = self.core.finish(t.plus_ms(1000));
            self.collect(effects);
        }
        self.report.unique_chatters = self.core.engage.unique_chatters();
        self.report.counted_messages = self.core.engage.messages;
        self.report.engagement = self.engagement();
        self.report
    }
}

/// Lines decoded per batch handed from the decoding thread to the detecting one.
const BATCH: usize = 1024;
/// Batches in flight: bounds memory whatever the input size.
const IN_FLIGHT: usize = 8;

/// One input line as decoded. Slots are recycled with their batch: `item` keeps the chat
/// message (and its strings' buffers) of an earlier line, so the next chat frame is decoded
/// into it without allocating, and nothing allocated by the decoder is freed by the detector.
struct Slot {
    state: State,
    item: LineItem,
}

enum State {
    /// Not counted as a line.
    Blank,
    /// `item` holds this line.
    Item,
    /// `item` holds this line, an event seen before (its key): counted, not replayed.
    Duplicate,
    Error(String),
}

/// Decoded lines; `slots[..len]` hold this batch, the rest are spares from earlier ones.
#[derive(Default)]
struct Batch {
    slots: Vec<Slot>,
    len: usize,
}

impl Batch {
    /// The next slot to fill, recycled when there is one.
    fn next_slot(&mut self) -> &mut Slot {
        if self.len == self.slots.len() {
            self.slots.push(Slot {
                state: State::Blank,
                item: LineItem::Nothing,
            });
        }
        self.len += 1;
        &mut self.slots[self.len - 1]
    }

    /// Marks the events seen before, in order. A whole batch at a time: the table is larger
    /// than the caches, and lookups in a tight loop overlap their memory waits (one lookup
    /// per decoded line waited out each miss alone, about a third of the decoding time).
    fn dedup(&mut self, dedup: &mut Dedup) {
        for slot in &mut self.slots[..self.len] {
            if let (State::Item, LineItem::Event { key: Some(k), .. }) = (&slot.state, &slot.item)
                && !dedup.first_time(k)
            {
                slot.state = State::Duplicate;
            }
        }
    }
}

/// Replays every line of `input`. Unreadable lines count in `stats.errors`; nothing stops it.
/// Decoding (JSON) runs on its own thread, pipelined with detection on this one, through a
/// bounded channel of batches that come back to be refilled: memory stays flat in the input
/// size, and the order is the input's.
/// Twitch chat exports (whole JSON documents) are recognised from their start.
pub fn run(mut input: impl BufRead + Send, cfg: &Config) -> std::io::Result<ReplayReport> {
    if let Some(kind) = twitch_export::detect(input.fill_buf()?) {
        return twitch_export::run(kind, input, cfg);
    }
    let mut r = Replayer::new(cfg);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(IN_FLIGHT);
    let (ret_tx, ret_rx) = std::sync::mpsc::channel::<Batch>();
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || decode_all(input, tx, ret_rx));
        for batch in rx.iter() {
            for slot in &batch.slots[..batch.len] {
                r.decoded(slot);
            }
            // Hand the batch back whole: its slots are refilled in place.
            let _ = ret_tx.send(batch);
        }
        drop(ret_tx);
        reader
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the replay reader panicked")))
    })?;
    Ok(r.finish())
}

/// Reads, decodes and de-duplicates lines on the reader's thread (detection is the busier
/// side of the pipeline, and de-duplication needs nothing but the keys in order).
fn decode_all(
    input: impl BufRead,
    tx: std::sync::mpsc::SyncSender<Batch>,
    spare: std::sync::mpsc::Receiver<Batch>,
) -> std::io::Result<()> {
    let mut dedup = Dedup::new(DEDUP_CAPACITY);
    let mut batch = Batch::default();
    let mut open = true;
    for_each_line(input, |line| {
        let slot = batch.next_slot();
        let Some(line) = line else {
            slot.state = State::Error(format!(
                "a line of over {} MB (not a chat line): skipped",
                MAX_LINE >> 20
            ));
            return next_batch(&mut batch, &mut dedup, &tx, &spare, &mut open);
        };
        slot.state = match std::str::from_utf8(line) {
            Ok(line) if line.trim().is_empty() => State::Blank,
            Ok(line) => match lines::parse_line_into(line, &mut slot.item) {
                Ok(()) => State::Item,
                Err(e) => State::Error(e.to_string()),
            },
            Err(_) => State::Error("not UTF-8".into()),
        };
        next_batch(&mut batch, &mut dedup, &tx, &spare, &mut open)
    })?;
    if open && batch.len > 0 {
        batch.dedup(&mut dedup);
        let _ = tx.send(batch);
    }
    Ok(())
}

/// Sends a full batch on (and takes a spare to fill); false once detection has stopped.
fn next_batch(
    batch: &mut Batch,
    dedup: &mut Dedup,
    tx: &std::sync::mpsc::SyncSender<Batch>,
    spare: &std::sync::mpsc::Receiver<Batch>,
    open: &mut bool,
) -> bool {
    if batch.len == BATCH {
        batch.dedup(dedup);
        let mut next = spare.try_recv().unwrap_or_default();
        next.len = 0;
        *open = tx.send(std::mem::replace(batch, next)).is_ok();
    }
    *open
}

/// Lines longer than this are not chat (a chat frame is about 1 KB): skipped unread, so a
/// file with no line breaks cannot fill the memory.
const MAX_LINE: usize = 1 << 20;

/// Calls `each` with every line of `input` (with its `\n`, as `read_until` splits them)
/// until it returns false; `None` for a line over [`MAX_LINE`] bytes. A line whole in the
/// reader's buffer is passed from there, not copied; only a line across two reads is
/// gathered.
fn for_each_line(
    mut input: impl BufRead,
    mut each: impl FnMut(Option<&[u8]>) -> bool,
) -> std::io::Result<()> {
    let mut partial = Vec::new();
    // The line being read is over MAX_LINE: its bytes are dropped until its end.
    let mut overlong = false;
    loop {
        let avail = match input.fill_buf() {
            Ok(avail) => avail,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            if overlong {
                each(None);
            } else if !partial.is_empty() {
                each(Some(&partial));
            }
            return Ok(());
        }
        let mut start = 0;
        let mut go = true;
        while go && let Some(n) = memchr::memchr(b'\n', &avail[start..]) {
            let end = start + n + 1;
            if overlong || partial.len() + (end - start) > MAX_LINE {
                go = each(None);
                overlong = false;
                partial.clear();
            } else if partial.is_empty() {
                go = each(Some(&avail[start..end]));
            } else {
                partial.extend_from_slice(&avail[start..end]);
                go = each(Some(&partial));
                partial.clear();
            }
            start = end;
        }
        if !go {
            return Ok(());
        }
        if overlong || partial.len() + (avail.len() - start) > MAX_LINE {
            overlong = true;
            partial = Vec::new();
        } else {
            partial.extend_from_slice(&avail[start..]);
        }
        let used = avail.len();
        input.consume(used);
    }
}

#[cfg(test)]
#[path = "pipeline_tests.rs"]
mod tests;
