//! The part file's size, polled while streamlink runs: growth and stalls, the first byte
//! (whose time anchors the timeline), a file deleted under it, and the disk's free space.

use std::time::{Duration, Instant};

use super::health::stall_after;
use super::part::PartEnd;
use super::recorder::RecState;
use super::supervise::Supervisor;
use crate::store::RecordingUpdate;
use crate::time::wall_now;

/// How often the disk's free space is looked at.
const DISK_EVERY: Duration = Duration::from_secs(30);

impl Supervisor {
    pub(super) async fn poll_size(&mut self, rec_id: Option<i64>) -> Option<PartEnd> {
        // For tests through the binary: `KICKTUI_FAULT=recorder_panic:FILE`.
        if crate::supervise::fault_fired("recorder_panic") {
            panic!("injected by KICKTUI_FAULT");
        }
        let now = Instant::now();
        // A part that had bytes and is gone was deleted (the folder removed by hand, a disk
        // unmounted): streamlink writes into nothing, so a new part starts at once instead of
        // after the patience a starting streamlink gets.
        let Some((size, first_byte)) = self.note_size(rec_id).await else {
            tracing::warn!(
                "recording: the part file {} is gone; starting a new part",
                self.current().path.display()
            );
            return Some(PartEnd::Deleted);
        };
        if first_byte {
            self.set_state(RecState::Recording);
        }
        let total = self.done_bytes + size;
        self.growth.push(now, total);
        self.status.bytes = total;
        self.status.mb_per_min = self.growth.mb_per_min();
        self.status.low = self.growth.is_low(self.cfg.min_growth_mb_per_min);
        self.look_at_disk(now);
        self.publish();
        let target = self.current().target_duration;
        let mut deadline = stall_after(self.cfg.stall_floor.max(Duration::from_secs(1)), target);
        if size == 0 {
            // streamlink may still be waiting for the playlist (--retry-streams): be patient.
            deadline = deadline.max(Duration::from_secs(75));
        }
        (self.growth.since_growth(now) >= deadline).then_some(PartEnd::Stalled)
    }

    /// The free space on the recordings' disk, every half minute (the engine warns when it
    /// runs out at the current rate).
    fn look_at_disk(&mut self, now: Instant) {
        if self
            .disk_looked
            .is_some_and(|t| now.duration_since(t) < DISK_EVERY)
        {
            return;
        }
        self.disk_looked = Some(now);
        let free = crate::media::disk_free::free_bytes(&self.cfg.recordings_dir);
        self.status.disk_free = free.ok();
    }

    /// The part file's size now, and whether this is its first byte (whose time is stored);
    /// `None` when a file that had bytes is gone (one look at the file serves both).
    pub(super) async fn note_size(&mut self, rec_id: Option<i64>) -> Option<(u64, bool)> {
        let path = self.current().path.clone();
        let size = match tokio::fs::metadata(&path).await {
            Ok(m) => m.len(),
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    && self.current().first_byte_at.is_some() =>
            {
                self.current().bytes = 0;
                return None;
            }
            // There but unreadable (its folder's permissions changed): the last size seen.
            Err(_) => self.current().bytes,
        };
        let first_byte = size > 0 && self.current().first_byte_at.is_none();
        self.current().bytes = size;
        if first_byte {
            let t = wall_now();
            self.current().first_byte_at = Some(t);
            if let Some(id) = rec_id {
                let update = RecordingUpdate {
                    id,
                    first_byte_at: Some(t),
                    ..Default::default()
                };
                self.store_update(update).await;
            }
        }
        Some((size, first_byte))
    }
}
