//! One recording file ("part") and what its streamlink log says about it: which segment came
//! first, that segment's PROGRAM-DATE-TIME, and how much content is complete (media.md §6).

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::slog::LogEvent;
use crate::store::RecordingUpdate;
use crate::time::Ts;

/// The longest segment taken as the playlist's target duration, seconds.
const MAX_SEGMENT_S: f64 = 60.0;

/// Why a part ended.
#[derive(Clone, Debug, PartialEq)]
pub enum PartEnd {
    /// streamlink exited by itself (rc 0 covers both a clean end and a dead source).
    Exited(Option<i32>),
    /// streamlink ended itself because the playlist brought no new segment: the stream
    /// sends no new video (the streamer's encoder stuck, or the stream just ended).
    NoNewVideo,
    /// streamlink ended itself for want of new segments while the playlist could not be
    /// loaded at all: the stream's server was unreachable, not the stream frozen.
    Unreachable,
    /// The playlist says the stream is over (`#EXT-X-ENDLIST`): the platform's "offline"
    /// is on its way.
    PlaylistEnded,
    /// The file stopped growing; streamlink was stopped.
    Stalled,
    /// The file was deleted under streamlink (its folder removed by hand, a disk unmounted):
    /// streamlink was stopped and a new part started at once. Not a stall: the stream is fine.
    Deleted,
    /// streamlink met a discontinuity (a streamer reconnect); rotated to a new part.
    Discontinuity,
    /// Asked to stop (shutdown or the session ended).
    Stopped,
    /// streamlink could not be started, and will not be (not installed, not executable).
    SpawnFailed(String),
    /// streamlink could not be started this time (no file handles or memory left): tried
    /// again with backoff.
    SpawnRetry(String),
    /// The file could not be written (disk full, permissions): why.
    Unwritable(String),
    /// The recorder task crashed while writing it (its streamlink went with it).
    Crashed,
    /// kicktui itself stopped without closing it (killed, a crash, a power cut); the next
    /// start's recovery closed it.
    Interrupted,
}

impl PartEnd {
    /// Back from a `recordings.status` value (recovery's "interrupted" and "empty" are parts
    /// kicktui stopped without closing).
    pub fn from_status(status: &str) -> PartEnd {
        match status {
            "ended" => PartEnd::Exited(None),
            "no_new_video" => PartEnd::NoNewVideo,
            "unreachable" => PartEnd::Unreachable,
            "playlist_ended" => PartEnd::PlaylistEnded,
            "stalled" => PartEnd::Stalled,
            "deleted" => PartEnd::Deleted,
            "discontinuity" => PartEnd::Discontinuity,
            "stopped" => PartEnd::Stopped,
            "crashed" => PartEnd::Crashed,
            "unwritable" => PartEnd::Unwritable("a write error in an earlier run".into()),
            _ => PartEnd::Interrupted,
        }
    }

    /// The `recordings.status` value.
    pub fn as_status(&self) -> &'static str {
        match self {
            PartEnd::Exited(_) => "ended",
            PartEnd::NoNewVideo => "no_new_video",
            PartEnd::Unreachable => "unreachable",
            PartEnd::PlaylistEnded => "playlist_ended",
            PartEnd::Stalled => "stalled",
            PartEnd::Deleted => "deleted",
            PartEnd::Discontinuity => "discontinuity",
            PartEnd::Stopped => "stopped",
            PartEnd::SpawnFailed(_) | PartEnd::SpawnRetry(_) => "failed",
            PartEnd::Unwritable(_) => "unwritable",
            PartEnd::Crashed => "crashed",
            PartEnd::Interrupted => "interrupted",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PartInfo {
    /// 1, 2, … within the session.
    pub part: u32,
    pub path: PathBuf,
    /// The `recordings` row, when the store took it.
    pub recording_id: Option<i64>,
    /// When streamlink was started.
    pub started_at: Ts,
    /// When the file first had bytes.
    pub first_byte_at: Option<Ts>,
    /// PROGRAM-DATE-TIME of the first segment written, if the playlist has PDT.
    pub pdt_first: Option<Ts>,
    /// Without PDT: how old the first content was at the first byte (L0), estimated from
    /// how far behind the live edge streamlink started.
    pub lead_s: f64,
    /// The playlist's segment length, once seen.
    pub target_duration: f64,
    pub bytes: u64,
    /// Seconds of content in complete segments.
    pub content_s: f64,
    pub ended_at: Option<Ts>,
    pub end: Option<PartEnd>,
}

impl PartInfo {
    pub fn new(part: u32, path: PathBuf, started_at: Ts, live_edge: u32) -> PartInfo {
        PartInfo {
            part,
            path,
            recording_id: None,
            started_at,
            first_byte_at: None,
            pdt_first: None,
            lead_s: f64::from(live_edge) * 2.0 + 1.0,
            target_duration: 2.0,
            bytes: 0,
            content_s: 0.0,
            ended_at: None,
            end: None,
        }
    }

    /// The wall time of offset 0 in this file: PDT when known, else first byte − L0.
    pub fn content_start(&self) -> Option<Ts> {
        self.pdt_first
            .or_else(|| self.first_byte_at.map(|t| t.plus_secs(-self.lead_s)))
    }

    /// The wall time of the newest complete content.
    pub fn content_end(&self) -> Option<Ts> {
        self.content_start().map(|s| s.plus_secs(self.content_s))
    }

    pub fn is_growing(&self) -> bool {
        self.end.is_none()
    }

    /// Its `recordings` row as the recorder knows it once it ended (`None`: no row, or not
    /// ended).
    pub fn final_row(&self) -> Option<RecordingUpdate> {
        let (id, ended_at, end) = (self.recording_id?, self.ended_at?, self.end.as_ref()?);
        let status = if self.bytes == 0 {
            "empty"
        } else {
            end.as_status()
        };
        Some(RecordingUpdate {
            id,
            ended_at: Some(ended_at),
            bytes: Some(self.bytes),
            status: Some(status.to_string()),
            first_byte_at: self.first_byte_at,
            pdt_first_at: self.pdt_first,
        })
    }
}

/// How old a stored part's first content was at its first byte, when its sidecar does not
/// say: streamlink's live edge, 3 segments for part 1 and the whole 6-segment playlist for
/// restarts (media.md §3), at 2 s a segment plus a second.
pub fn stored_part_lead_s(part: u32) -> f64 {
    if part <= 1 { 7.0 } else { 13.0 }
}

impl PartInfo {
    /// A part an earlier run recorded, as its row and sidecar tell it (a part a crash cut off
    /// has no sidecar: its length is probed when a clip needs it).
    pub fn from_row(r: &crate::store::RecordingRow, meta: Option<PartMeta>) -> PartInfo {
        let mut p = PartInfo::new(r.part, PathBuf::from(&r.path), r.started_at, 0);
        p.lead_s = stored_part_lead_s(r.part);
        p.recording_id = Some(r.id);
        p.first_byte_at = r.first_byte_at;
        p.pdt_first = r.pdt_first_at;
        p.bytes = r.bytes;
        p.ended_at = Some(r.ended_at.unwrap_or(r.started_at));
        p.end = Some(PartEnd::from_status(&r.status));
        if let Some(m) = meta {
            p.content_s = m.content_s;
            p.lead_s = m.lead_s;
            p.target_duration = m.target_duration;
        }
        p
    }
}

/// Written beside a finished part (`<part>.ts.json`): what its log said about its content.
/// ffprobe cannot tell this for a part that ended in a discontinuity (its timestamps jump),
/// so `kicktui clip` reads it when present.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PartMeta {
    pub content_s: f64,
    pub lead_s: f64,
    pub target_duration: f64,
}

pub fn meta_path(part: &std::path::Path) -> PathBuf {
    let mut s = part.as_os_str().to_owned();
    s.push(".json");
    PathBuf::from(s)
}

impl PartInfo {
    pub fn meta(&self) -> PartMeta {
        PartMeta {
            content_s: self.content_s,
            lead_s: self.lead_s,
            target_duration: self.target_duration,
        }
    }
}

/// The sidecar of a part, if it was written and is readable.
pub fn read_meta(part: &std::path::Path) -> Option<PartMeta> {
    let text = std::fs::read_to_string(meta_path(part)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Follows one streamlink run's log and keeps its [`PartInfo`] timing fields current.
#[derive(Debug, Default)]
pub struct PartLog {
    queued: BTreeMap<u64, (f64, Option<Ts>)>,
    first_written: Option<u64>,
    last_seq: Option<u64>,
    start_seq: Option<u64>,
    /// Segments complete in this part.
    pub completed: u64,
    last_completed_s: f64,
    /// streamlink said the playlist brought no new segment.
    pub no_new: bool,
    /// Times the playlist failed to load since the last segment completed.
    reload_failures: u32,
    /// The playlist was an ended one at start (streamlink's `End Sequence: N`, not `None`).
    pub ended: bool,
    /// streamlink said `Stream ended`: the playlist ended while this part recorded it, if
    /// streamlink then exits 0 (it says so after a read timeout too, then exits 1) and not
    /// for want of new segments (`no_new`).
    pub said_ended: bool,
    /// The newest segment queued with the discontinuity flag (a new encoder's first).
    discontinuity_at: Option<u64>,
    /// streamlink could not write the file: its "complete" segments may not be in it.
    write_failed: bool,
}

/// What a log line changed that the recorder must act on.
#[derive(Clone, Debug, PartialEq)]
pub enum PartChange {
    None,
    /// The first segment's PDT became known.
    PdtFirst(Ts),
    /// More content is complete.
    Content,
    /// A discontinuity after content was written: time to rotate the part.
    Rotate,
}

impl PartLog {
    pub fn apply(&mut self, ev: &LogEvent, info: &mut PartInfo) -> PartChange {
        match *ev {
            LogEvent::Queued {
                num,
                duration,
                date,
                discontinuity,
            } => {
                if discontinuity {
                    self.discontinuity_at = Some(num);
                }
                // A real HLS segment lasts seconds; anything else in the playlist is ignored.
                if duration > 0.0 && duration <= MAX_SEGMENT_S {
                    info.target_duration = duration;
                }
                self.queued.insert(num, (duration, date));
                // Keep the map small: only recent segments matter.
                while self.queued.len() > 64 {
                    self.queued.pop_first();
                }
                self.update_lead(info);
                PartChange::None
            }
            LogEvent::Sequences { last, .. } => {
                self.last_seq = Some(last);
                self.update_lead(info);
                PartChange::None
            }
            LogEvent::StartSequence { first, ended } => {
                self.start_seq = Some(first);
                self.ended = ended;
                self.update_lead(info);
                PartChange::None
            }
            LogEvent::Writing(n) if self.first_written.is_none() => {
                self.first_written = Some(n);
                match self.queued.get(&n).and_then(|q| q.1) {
                    Some(pdt) => {
                        info.pdt_first = Some(pdt);
                        PartChange::PdtFirst(pdt)
                    }
                    None => PartChange::None,
                }
            }
            LogEvent::Complete(n) => {
                self.completed += 1;
                let d = self.queued.get(&n).map_or(info.target_duration, |q| q.0);
                info.content_s += d;
                self.last_completed_s = d;
                self.reload_failures = 0;
                PartChange::Content
            }
            LogEvent::NoNewSegments => {
                self.no_new = true;
                PartChange::None
            }
            LogEvent::ReloadFailed => {
                self.reload_failures += 1;
                PartChange::None
            }
            // The playlist may have ended while this part was being written (its
            // `#EXT-X-ENDLIST`): a restart would copy its tail again.
            LogEvent::StreamEnded => {
                self.said_ended = true;
                PartChange::None
            }
            LogEvent::WriteFailed(_) => {
                self.write_failed = true;
                PartChange::None
            }
            // The first segment of a part may carry the flag itself: harmless at offset 0.
            // Later, the segment just written (logged before the warning) belongs to another
            // timeline: it does not extend this part's content.
            LogEvent::Discontinuity if self.completed > 1 => {
                info.content_s -= self.last_completed_s;
                PartChange::Rotate
            }
            _ => PartChange::None,
        }
    }

    /// Why the part ended when streamlink exited by itself with `code`.
    pub fn end_on_exit(&self, code: Option<i32>) -> PartEnd {
        // The segments still listed when the server comes back are not recorded yet: the
        // restart goes back for them, unlike after a frozen stream.
        // Twice at least: streamlink reloads every few seconds, so a server gone for its
        // 6 s fails more than once; one failed reload in a freeze is a blip.
        if self.no_new && self.reload_failures >= 2 {
            PartEnd::Unreachable
        } else if self.no_new {
            PartEnd::NoNewVideo
        } else if self.ended || (self.said_ended && code == Some(0)) {
            PartEnd::PlaylistEnded
        } else {
            PartEnd::Exited(code)
        }
    }

    /// The segments queued from the discontinuity on (the new encoder's, all new video): how
    /// far back the next part starts, so it records them rather than only the newest (a
    /// part that caught up on an old playlist's tail first met the discontinuity with four
    /// new segments queued, and three were lost).
    pub fn segments_since_discontinuity(&self) -> Option<u32> {
        let from = self.discontinuity_at?;
        let newest = *self.queued.keys().next_back()?;
        u32::try_from(newest.checked_sub(from)? + 1).ok()
    }

    /// After a write error, `content_s` is what the file holds: `probed` is ffprobe's
    /// duration of it (`Some(0.0)`: nothing readable; `None`: ffprobe could not run).
    /// streamlink logs `Segment N complete` once a segment is in its buffer, not in the file,
    /// and the write error only as it exits, after them all: measured, 3 segments (6 s)
    /// logged complete and 3.4–3.9 s in the file; 6 (12 s) and 11.7 s on a full disk.
    /// Without ffprobe, the newest segment is taken as lost (in every run it was cut).
    pub fn cap_to_file(&self, info: &mut PartInfo, probed: Option<f64>) {
        if !self.write_failed {
            return;
        }
        let written = match probed {
            Some(d) => d,
            None => info.content_s - self.last_completed_s,
        };
        info.content_s = info.content_s.min(written).max(0.0);
    }

    fn update_lead(&self, info: &mut PartInfo) {
        if let (Some(last), Some(start)) = (self.last_seq, self.start_seq) {
            let behind = last.saturating_sub(start) + 1;
            // media.md §3: L0 ≈ segments behind the edge × segment + 0.5–1.8 s.
            info.lead_s = behind as f64 * info.target_duration + 1.0;
        }
    }
}

#[cfg(test)]
#[path = "part_tests.rs"]
mod tests;
