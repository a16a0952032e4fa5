//! `kicktui clip`: cut a clip from a session's stored recordings, by stream offset
//! (`--session N --start 1:23:45 --duration 60`) or for a stored moment (`--moment ID`).

use std::path::Path;
use std::time::Duration;

use super::clip_job::{ClipRequest, output_path};
use super::cut::{CutResult, cut_pieces};
use super::error::MediaError;
use super::part::read_meta;
use super::probe::{self, Tools};
use super::timeline::{Piece, Span, plan, span_from_row};
use crate::store::{ClipStatus, RecordingRow, Store, StoreWriter, db_path};
use crate::time::{Ts, format_hms};

/// The longest clip `--duration` asks for: 6 hours.
const MAX_CLIP_S: f64 = 6.0 * 3600.0;

/// What to cut.
#[derive(Clone, Debug, PartialEq)]
pub enum ClipWhat {
    /// Seconds since the stream went live, and a length.
    Offset {
        session: i64,
        start: f64,
        duration: f64,
    },
    Moment(i64),
}

type Error = Box<dyn std::error::Error>;

/// A part written to within this long is a recording under way: a clip past its end waits.
const GROWING_WITHIN: Duration = Duration::from_secs(30);
/// How often a waiting clip looks at the recording again.
const WAIT_POLL: Duration = Duration::from_secs(2);

/// A clip this much shorter than asked is short (a hole in the recording, or its end).
pub const SHORT_BY_S: f64 = 2.0;

/// What the store says about the clip to cut.
struct Plan {
    session: i64,
    channel: String,
    /// A live run holds the channel (its recording may still grow).
    watched: bool,
    origin: Ts,
    req: ClipRequest,
    rows: Vec<RecordingRow>,
    /// `--start`: the clip is named by it and the length recorded.
    offset_s: Option<f64>,
    /// The session has not ended.
    open: bool,
}

impl Plan {
    /// Whether a part of a running session is still being written (a part a crash left
    /// open has not grown since, and with no live run on the channel it will not).
    fn still_recording(&self) -> bool {
        self.open
            && self.watched
            && self.rows.iter().any(|r| {
                r.ended_at.is_none()
                    && std::fs::metadata(&r.path)
                        .and_then(|m| m.modified())
                        .is_ok_and(|t| t.elapsed().is_ok_and(|age| age < GROWING_WITHIN))
            })
    }
}

/// The moment's clip when it is already cut in full and its file is still there.
pub fn finished_clip(data_dir: &Path, moment: i64) -> Result<Option<std::path::PathBuf>, Error> {
    let db = db_path(data_dir);
    if !db.exists() {
        return Ok(None);
    }
    let m = Store::open_for_reading(&db)?.moment(moment)?;
    Ok(m.filter(|m| m.clip_status == ClipStatus::Done)
        .and_then(|m| m.clip_path)
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_file()))
}

fn read_plan(db: &Path, what: &ClipWhat) -> Result<Plan, Error> {
    let store = Store::open(db)?;
    let (session, mut req) = match *what {
        ClipWhat::Moment(id) => {
            let m = store.moment(id)?.ok_or_else(|| {
                format!(
                    "no moment {id} (see `{}`)",
                    crate::present::later_command("moments")
                )
            })?;
            (m.session_id, ClipRequest::for_moment(&m))
        }
        ClipWhat::Offset { session, .. } => (session, ClipRequest::window(Ts(0), Ts(0))),
    };
    let s = store
        .session(session)?
        .ok_or_else(|| format!("no session {session} (see kicktui sessions)"))?;
    let origin = s.stream_started_at.unwrap_or(s.started_at);
    let mut offset_s = None;
    if let ClipWhat::Offset {
        start, duration, ..
    } = *what
    {
        // Under a second is no clip (cuts start on a keyframe); past 6 h is a typo that would
        // name the file after a length it never has.
        if !(1.0..=MAX_CLIP_S).contains(&duration) {
            return Err(format!(
                "--duration must be from 1 to {MAX_CLIP_S:.0} seconds, got {duration}"
            )
            .into());
        }
        req = ClipRequest::window(origin.plus_secs(start), origin.plus_secs(start + duration));
        offset_s = Some(start);
    }
    let rows = store.recordings_of_stream(session)?;
    if rows.is_empty() {
        return Err(format!("session {session} has no recording").into());
    }
    let data_dir = db.parent().unwrap_or(Path::new("."));
    Ok(Plan {
        session,
        watched: crate::run_lock::watched(data_dir, &s.platform, &s.channel),
        channel: s.channel,
        origin,
        req,
        rows,
        offset_s,
        open: s.ended_at.is_none(),
    })
}

/// Parts with their durations: from the sidecar the recorder wrote at the part's end, else
/// from ffprobe (a part still growing, or left by a crash). Empty parts are left out; missing
/// or unreadable files too, and named in the second list (for the error when nothing is left).
async fn probed_spans(
    tools: &Tools,
    rows: &[RecordingRow],
) -> Result<(Vec<Span>, Vec<String>), MediaError> {
    let mut spans = Vec::new();
    let mut left_out = Vec::new();
    for row in rows {
        let meta = read_meta(Path::new(&row.path));
        let Some(mut span) = span_from_row(row, meta.as_ref().map(|m| m.lead_s)) else {
            continue;
        };
        if !span.path.exists() {
            left_out.push(format!("{} is missing", span.path.display()));
            continue;
        }
        span.duration = match meta {
            Some(m) => Some(m.content_s),
            // A part cut off by a full disk or a kill may not be readable: the others still are.
            None => match probe::format_times(&tools.ffprobe, &span.path).await {
                Ok(t) => t.duration,
                // No ffprobe is not a bad part: say so instead of leaving every part out.
                Err(e @ MediaError::ToolMissing { .. }) => return Err(e),
                Err(e) => {
                    eprintln!("left out of the clip: {e}");
                    left_out.push(format!("{} is unreadable", span.path.display()));
                    None
                }
            },
        }
        .filter(|d| *d > 0.0 && d.is_finite());
        if span.duration.is_some() {
            spans.push(span);
        }
    }
    Ok((spans, left_out))
}

fn recorded_ranges(spans: &[Span], origin: Ts) -> String {
    spans
        .iter()
        .map(|s| {
            let a = s.start.secs_since(origin);
            format!(
                "{}–{}",
                format_hms(a),
                format_hms(a + s.duration.unwrap_or(0.0))
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `--start 0:04:20` is named `…_0-04-20_60s`, by the length recorded: 600 s asked of a
/// stream recorded for 14 more is `…_14s`, not a file that promises 600.
fn named_by_length(p: &Plan, pieces: &[Piece]) -> ClipRequest {
    let mut named = p.req.clone();
    if let Some(at) = p.offset_s {
        let recorded: f64 = pieces.iter().map(Piece::len).sum();
        let length = recorded.min(p.req.duration());
        named.name = Some(format!("{}_{length:.0}s", format_hms(at).replace(':', "-")));
    }
    named
}

/// The plan and its parts once the recording covers the window, or will not cover more: a
/// window not yet recorded of a stream being recorded waits for it, as `c` does live.
async fn recorded_enough(
    tools: &Tools,
    db: &Path,
    what: &ClipWhat,
) -> Result<(Plan, Vec<Span>, Vec<String>), Error> {
    let mut said = false;
    loop {
        let p = read_plan(db, what)?;
        let (spans, left_out) = probed_spans(tools, &p.rows).await?;
        // Waits only for a recording that has content and is still being written (a part
        // with no content yet may never get any).
        let recorded_to = spans.iter().filter_map(Span::end).max();
        let Some(to) = recorded_to.filter(|t| *t < p.req.end && p.still_recording()) else {
            return Ok((p, spans, left_out));
        };
        if !said {
            said = true;
            eprintln!(
                "waiting for the recording to reach {} (recorded up to {}; Ctrl-C stops)",
                format_hms(p.req.end.secs_since(p.origin)),
                format_hms(to.secs_since(p.origin))
            );
        }
        tokio::time::sleep(WAIT_POLL).await;
    }
}

/// Cuts the clip into `<data dir>/clips` and returns it; a moment's row gets the path.
pub async fn clip_from_store(
    tools: &Tools,
    data_dir: &Path,
    what: &ClipWhat,
) -> Result<CutResult, Error> {
    let db = db_path(data_dir);
    if !db.exists() {
        return Err(format!("no database at {} (wrong --data-dir?)", db.display()).into());
    }
    let (p, spans, left_out) = recorded_enough(tools, &db, what).await?;
    let pieces = plan(&spans, p.req.start, p.req.end);
    if pieces.is_empty() {
        let (a, b) = (
            p.req.start.secs_since(p.origin),
            p.req.end.secs_since(p.origin),
        );
        let have = recorded_ranges(&spans, p.origin);
        let have = if have.is_empty() {
            "nothing".into()
        } else {
            have
        };
        let what = format!(
            "no recording of session {} covers {}–{} (recorded: {have}",
            p.session,
            format_hms(a),
            format_hms(b)
        );
        // A part missing or unreadable may come back (a disk not mounted, a moved data dir):
        // only a window no part could cover is for good.
        return Err(if left_out.is_empty() {
            MediaError::NoRecording(format!("{what})")).into()
        } else {
            format!("{what}; left out: {})", left_out.join(", ")).into()
        });
    }
    let dir = data_dir.join("clips");
    crate::store::make_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let named = named_by_length(&p, &pieces);
    let out = output_path(&dir, &p.channel, p.session, &named);
    let mut res = cut_pieces(tools, &pieces, &out).await?;
    // Short against the whole window asked for (--duration, or the moment's), not against the
    // part of it that was recorded.
    res.asked = p.req.duration();
    if let Some(id) = p.req.moment_id {
        let status = if res.is_short(SHORT_BY_S) {
            ClipStatus::Short
        } else {
            ClipStatus::Done
        };
        let writer = StoreWriter::spawn(&db)?;
        let path = res.path.to_string_lossy().into_owned();
        writer.handle().update_clip(id, status, Some(path)).await?;
        writer.shutdown_async().await?;
    }
    Ok(res)
}
