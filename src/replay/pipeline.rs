//! The replay's two threads: JSON decoding on one, detection on the other, through a bounded
//! channel of recycled batches (memory flat in the input size, the input's order kept).

use std::io::BufRead;

use super::lines::{self, LineItem};
use super::{DEDUP_CAPACITY, ReplayReport, Replayer, twitch_export};
use crate::config::Config;
use crate::source::dedup::Dedup;

/// Lines decoded per batch handed from the decoding thread to the detecting one.
const BATCH: usize = 1024;
/// Batches in flight: bounds memory whatever the input size.
const IN_FLIGHT: usize = 8;

/// One input line as decoded. Slots are recycled with their batch: `item` keeps the chat
/// message (and its strings' buffers) of an earlier line, so the next chat frame is decoded
/// into it without allocating, and nothing allocated by the decoder is freed by the detector.
pub(super) struct Slot {
    pub(super) state: State,
    pub(super) item: LineItem,
}

pub(super) enum State {
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
    // A byte-order mark (Windows editors write one) is not part of the first line or document.
    if input.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        input.consume(3);
    }
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
            slot.state = State::Error(overlong_line());
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

/// What an overlong line is counted as.
pub(super) fn overlong_line() -> String {
    format!(
        "a line of over {} MB (not a chat line): skipped",
        MAX_LINE >> 20
    )
}

/// Lines longer than this are not chat (a chat frame is about 1 KB): skipped unread, so a
/// file with no line breaks cannot fill the memory.
const MAX_LINE: usize = 1 << 20;

/// Calls `each` with every line of `input` (with its `\n`, as `read_until` splits them)
/// until it returns false; `None` for a line over [`MAX_LINE`] bytes. A line whole in the
/// reader's buffer is passed from there, not copied; only a line across two reads is
/// gathered.
pub(super) fn for_each_line(
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
