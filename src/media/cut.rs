//! The cut itself: `ffmpeg -c copy` from the keyframe before the asked start (media.md §5.4),
//! `.mp4` with faststart, written to a temp name and renamed, then measured with ffprobe.
//! A window spread over two parts is cut from each and joined with the concat demuxer.

use std::path::{Path, PathBuf};

pub use super::cut_parts::remove_stale_parts;
use super::error::MediaError;
use super::probe::{self, Tools};
use super::timeline::Piece;

/// A finished clip.
#[derive(Clone, Debug, PartialEq)]
pub struct CutResult {
    pub path: PathBuf,
    /// What ffprobe says the clip lasts.
    pub duration: f64,
    /// What was asked (sum of the pieces, before snapping back to a keyframe).
    pub asked: f64,
    /// How far before the asked start the clip begins (the keyframe snap).
    pub lead_in: f64,
}

fn secs(v: f64) -> String {
    format!("{:.3}", v.max(0.0))
}

/// Cuts `[from, to]` (offsets in `input`) into `out` (an .mp4 path), starting at the keyframe
/// at or before `from`. Returns how far before `from` the clip starts.
pub async fn cut_piece(
    tools: &Tools,
    input: &Path,
    from: f64,
    to: f64,
    out: &Path,
    faststart: bool,
) -> Result<f64, MediaError> {
    let times = probe::format_times(&tools.ffprobe, input).await?;
    let key = probe::keyframe_before(&tools.ffprobe, input, times.start, from)
        .await?
        .unwrap_or(from);
    // A hair before the keyframe: -ss lands on the first packet at or after it.
    let ss = (key - 0.1).max(0.0);
    let (inp, outp) = (input.to_string_lossy(), out.to_string_lossy());
    let (ss_s, t_s) = (secs(ss), secs(to - ss));
    let mut args = vec![
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-ss",
        &ss_s,
        "-i",
        &inp,
        "-t",
        &t_s,
        "-map",
        "0:v:0?",
        "-map",
        "0:a:0?",
        "-c",
        "copy",
        "-avoid_negative_ts",
        "make_zero",
    ];
    if faststart {
        args.extend(["-movflags", "+faststart"]);
    }
    args.extend(["-f", "mp4", "-y", &outp]);
    probe::run_for("ffmpeg", &tools.ffmpeg, &args, probe::cut_limit(to - ss)).await?;
    Ok((from - key).max(0.0))
}

/// Joins finished pieces with the concat demuxer, still without re-encoding.
async fn concat(
    tools: &Tools,
    pieces: &[PathBuf],
    list: &Path,
    out: &Path,
    window_s: f64,
) -> Result<(), MediaError> {
    let mut text = String::new();
    for p in pieces {
        // Relative names in a concat list are relative to the list's own directory.
        let p = std::path::absolute(p).unwrap_or_else(|_| p.clone());
        // The concat list quotes with '…'; a quote inside is written '\''.
        let escaped = p.to_string_lossy().replace('\'', "'\\''");
        text.push_str(&format!("file '{escaped}'\n"));
    }
    tokio::fs::write(list, text)
        .await
        .map_err(|e| MediaError::Io(format!("cannot write {}: {e}", list.display())))?;
    let (l, o) = (list.to_string_lossy(), out.to_string_lossy());
    let args = [
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        &l,
        "-c",
        "copy",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        "-y",
        &o,
    ];
    probe::run_for("ffmpeg", &tools.ffmpeg, &args, probe::cut_limit(window_s))
        .await
        .map(drop)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// A cut shorter than this holds no frame worth keeping.
const MIN_CLIP_S: f64 = 0.1;

/// Cuts every piece into `out` (via `<name>.mp4.part`, renamed once complete: a cut a kill
/// left behind never matches an upload script's `*.mp4`) and measures it.
pub async fn cut_pieces(
    tools: &Tools,
    pieces: &[Piece],
    out: &Path,
) -> Result<CutResult, MediaError> {
    let Some(first) = pieces.first() else {
        return Err(MediaError::NoRecording(
            "no recording covers that time".into(),
        ));
    };
    let stem = out.with_extension("");
    let tmp = with_suffix(&stem, ".mp4.part");
    // Held until the clip is renamed: a cleanup leaves this cut's files alone.
    let _claim = super::cut_parts::claim(&tmp).await?;
    let asked: f64 = pieces.iter().map(Piece::len).sum();
    let result = if pieces.len() == 1 {
        cut_piece(tools, &first.path, first.from, first.to, &tmp, true).await
    } else {
        let mut parts = Vec::new();
        let mut lead_in = 0.0;
        let mut res = Ok(0.0);
        for (i, p) in pieces.iter().enumerate() {
            let part_out = with_suffix(&stem, &format!(".{i}.mp4.part"));
            match cut_piece(tools, &p.path, p.from, p.to, &part_out, false).await {
                Ok(l) if i == 0 => lead_in = l,
                Ok(_) => {}
                Err(e) => {
                    res = Err(e);
                    parts.push(part_out);
                    break;
                }
            }
            parts.push(part_out);
        }
        let list = with_suffix(&stem, ".txt.part");
        if res.is_ok() {
            res = concat(tools, &parts, &list, &tmp, asked)
                .await
                .map(|()| lead_in);
        }
        for p in parts.iter().chain([&list]) {
            let _ = tokio::fs::remove_file(p).await;
        }
        res
    };
    let lead_in = match result {
        Ok(l) => l,
        Err(e) => {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(e);
        }
    };
    let duration = match probe::format_times(&tools.ffprobe, &tmp).await {
        Ok(t) => t.duration.unwrap_or(0.0),
        Err(e) => {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(e);
        }
    };
    // No frame of the window asked is no clip (a part cut short after it was recorded): an
    // empty .mp4, or one of the keyframe before the window only, is not reported or uploaded.
    if duration - lead_in < MIN_CLIP_S {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(MediaError::NoRecording(format!(
            "the recording holds no video there ({} has less in it than it should)",
            first.path.display()
        )));
    }
    tokio::fs::rename(&tmp, out)
        .await
        .map_err(|e| MediaError::Io(format!("cannot rename {}: {e}", tmp.display())))?;
    Ok(CutResult {
        path: out.to_path_buf(),
        duration,
        asked,
        lead_in,
    })
}

impl CutResult {
    /// Covers less than asked by more than one segment: the recording had a hole or ended
    /// early. The keyframe lead-in before the asked start covers nothing that was asked.
    pub fn is_short(&self, segment: f64) -> bool {
        self.duration - self.lead_in + segment.max(1.0) < self.asked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(duration: f64, lead_in: f64) -> CutResult {
        CutResult {
            path: PathBuf::from("x.mp4"),
            duration,
            asked: 50.0,
            lead_in,
        }
    }

    /// 48 s starting 1 s early covers 47 of the 50 asked: more than a 2 s segment missing.
    #[test]
    fn the_keyframe_lead_in_does_not_count_as_covered() {
        assert!(cut(48.2, 1.0).is_short(2.0));
        assert!(!cut(48.2, 0.0).is_short(2.0));
        assert!(!cut(51.0, 1.0).is_short(2.0));
    }
}
