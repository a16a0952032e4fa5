//! Wall clock → (part, offset) (media.md §6). Each part knows the wall time of its offset 0
//! (PDT of its first segment, else first byte − L0); a window maps onto one part, or onto
//! consecutive parts when a restart split it. Parts may overlap (restarts start back in the
//! playlist); a gap between parts is simply missing from the clip.

use std::path::PathBuf;

use super::part::{PartEnd, PartInfo};
use crate::store::RecordingRow;
use crate::time::Ts;

/// One part as the timeline sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub part: u32,
    pub path: PathBuf,
    /// The wall time of offset 0.
    pub start: Ts,
    /// Seconds of content; `None` while the part still grows.
    pub duration: Option<f64>,
}

impl Span {
    pub fn end(&self) -> Option<Ts> {
        self.duration.map(|d| self.start.plus_secs(d))
    }

    fn covers(&self, t: Ts) -> bool {
        t >= self.start && self.end().is_none_or(|e| t < e)
    }
}

/// A cut from one part: offsets in that file.
#[derive(Clone, Debug, PartialEq)]
pub struct Piece {
    pub part: u32,
    pub path: PathBuf,
    pub from: f64,
    pub to: f64,
}

impl Piece {
    pub fn len(&self) -> f64 {
        self.to - self.from
    }

    pub fn is_empty(&self) -> bool {
        self.len() <= 0.0
    }
}

/// Spans of the parts that have content. An ended part's duration is its complete segments.
pub fn spans_from_parts(parts: &[PartInfo]) -> Vec<Span> {
    parts
        .iter()
        .filter(|p| p.bytes > 0 || p.first_byte_at.is_some())
        .filter_map(|p| {
            Some(Span {
                part: p.part,
                path: p.path.clone(),
                start: p.content_start()?,
                duration: (!p.is_growing()).then_some(p.content_s),
            })
        })
        .collect()
}

/// The span of a stored part (the CLI); its duration comes later (sidecar or ffprobe).
/// Without PDT the start is first byte − L0, with L0 from the part's sidecar when known,
/// else estimated from the live edge streamlink used: 3 segments for part 1, the whole
/// 6-segment playlist for restarts (media.md §3).
pub fn span_from_row(r: &RecordingRow, lead_s: Option<f64>) -> Option<Span> {
    let lead = lead_s.unwrap_or_else(|| super::part::stored_part_lead_s(r.part));
    let start = r
        .pdt_first_at
        .or_else(|| r.first_byte_at.map(|t| t.plus_secs(-lead)))?;
    Some(Span {
        part: r.part,
        path: PathBuf::from(&r.path),
        start,
        duration: None,
    })
}

/// Where wall time `t` is: the part covering it (the one that goes on longest) and the offset.
pub fn locate(spans: &[Span], t: Ts) -> Option<(usize, f64)> {
    best_covering(spans, t).map(|i| (i, t.secs_since(spans[i].start)))
}

fn best_covering(spans: &[Span], t: Ts) -> Option<usize> {
    (0..spans.len())
        .filter(|&i| spans[i].covers(t))
        .max_by_key(|&i| (spans[i].end().map_or(i64::MAX, |e| e.0), spans[i].part))
}

/// The pieces that make the window `[start, end]`, in order. Parts are taken greedily: at
/// each point the covering part that lasts longest; uncovered time is skipped.
pub fn plan(spans: &[Span], start: Ts, end: Ts) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut cursor = start;
    while cursor < end {
        match best_covering(spans, cursor) {
            Some(i) => {
                let s = &spans[i];
                let to = s.end().map_or(end, |e| e.min(end));
                pieces.push(Piece {
                    part: s.part,
                    path: s.path.clone(),
                    from: cursor.secs_since(s.start),
                    to: to.secs_since(s.start),
                });
                cursor = to;
            }
            None => match spans.iter().map(|s| s.start).filter(|&s| s > cursor).min() {
                Some(next) => cursor = next,
                None => break,
            },
        }
    }
    // Slivers from overlaps are not worth a cut and a join.
    pieces.retain(|p| p.len() >= 0.5);
    pieces
}

/// Why a clip of `[start, end]` came out short, when the recording knows: a part whose file
/// was cut off by a write error (a full disk) stops inside the window.
pub fn short_why(parts: &[PartInfo], start: Ts, end: Ts) -> Option<String> {
    parts.iter().find_map(|p| {
        let PartEnd::Unwritable(why) = p.end.as_ref()? else {
            return None;
        };
        let stops = p.content_end().filter(|&e| e > start && e < end)?;
        let at = stops.to_datetime().with_timezone(&chrono::Local);
        Some(format!(
            "the recording stops at {}: part {} could not be written ({why})",
            at.format("%H:%M:%S"),
            p.part
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(part: u32, start_s: i64, dur: Option<f64>) -> Span {
        Span {
            part,
            path: format!("p{part}.ts").into(),
            start: Ts(start_s * 1000),
            duration: dur,
        }
    }

    #[test]
    fn one_part_and_clamping() {
        let spans = vec![span(1, 100, None)];
        assert_eq!(locate(&spans, Ts(130_000)), Some((0, 30.0)));
        let p = plan(&spans, Ts(90_000), Ts(160_000));
        assert_eq!(p.len(), 1);
        assert_eq!(
            (p[0].from, p[0].to),
            (0.0, 60.0),
            "before the file starts: clamped"
        );
    }

    #[test]
    fn a_window_across_a_restart_is_cut_from_both() {
        // Part 2 starts 6 s before part 1 ends (restart with a large live edge).
        let spans = vec![span(1, 100, Some(50.0)), span(2, 144, None)];
        let p = plan(&spans, Ts(130_000), Ts(170_000));
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].part, p[0].from, p[0].to), (1, 30.0, 50.0));
        assert_eq!((p[1].part, p[1].from, p[1].to), (2, 6.0, 26.0));
        // Inside the overlap, the part that goes on (the growing one) wins.
        assert_eq!(locate(&spans, Ts(146_000)), Some((1, 2.0)));
    }

    /// A window past the end of a part a full disk cut off says so; one inside it does not.
    #[test]
    fn a_short_clip_names_the_part_that_could_not_be_written() {
        let mut p = PartInfo::new(1, "p1.ts".into(), Ts(0), 3);
        p.pdt_first = Some(Ts(100_000));
        p.content_s = 3.4;
        p.end = Some(PartEnd::Unwritable(
            "[Errno 28] No space left on device".into(),
        ));
        let why = short_why(std::slice::from_ref(&p), Ts(101_000), Ts(110_000));
        let why = why.expect("a reason");
        assert!(
            why.contains("part 1 could not be written ([Errno 28] No space left"),
            "{why}"
        );
        assert_eq!(
            short_why(std::slice::from_ref(&p), Ts(100_000), Ts(103_000)),
            None
        );
        p.end = Some(PartEnd::NoNewVideo);
        assert_eq!(short_why(&[p], Ts(101_000), Ts(110_000)), None);
    }

    #[test]
    fn gaps_are_skipped_and_nothing_is_nothing() {
        let spans = vec![span(1, 100, Some(20.0)), span(2, 130, Some(20.0))];
        let p = plan(&spans, Ts(110_000), Ts(140_000));
        assert_eq!(p.iter().map(|p| p.len()).sum::<f64>(), 20.0);
        assert!(plan(&spans, Ts(200_000), Ts(220_000)).is_empty());
        assert!(plan(&[], Ts(0), Ts(10_000)).is_empty());
    }
}
