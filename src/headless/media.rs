//! Headless lines for recording and clips, in the seed's words where it has them:
//! `Recording to: …`, `Recording health: 45.2 MB (+12.3 MB/min)`.

use crate::engine::record_session::QUIT_CLIPS;
use crate::engine::update::{ClipNews, RecorderNews};
use crate::media::ClipState;
use crate::present::{clip_length_words, later_command, plural};

/// The recorder's line, also written to the log (trouble as a warning): the TUI shows the log,
/// headless (and the TUI's last words after it closes) keep it in the log file next to what
/// they print. The one place recorder news is logged.
pub fn log_recorder_line(n: &RecorderNews) -> Option<String> {
    let line = recorder_line(n)?;
    match n {
        RecorderNews::Off(_)
        | RecorderNews::Stalled { .. }
        | RecorderNews::NoNewVideo { .. }
        | RecorderNews::Unwritable { .. }
        | RecorderNews::DiskLow { .. }
        | RecorderNews::QuitUnfinished { .. }
        | RecorderNews::Crashed { .. } => tracing::warn!(target: crate::logging::SHOWN, "{line}"),
        _ => tracing::info!("{line}"),
    }
    Some(line)
}

pub fn recorder_line(n: &RecorderNews) -> Option<String> {
    Some(match n {
        RecorderNews::Armed => return None,
        RecorderNews::Disabled => {
            "Recording is off (--no-record or [recorder] enabled = false)".into()
        }
        RecorderNews::Off(why) => format!("Recording is OFF: {why}. Chat and moments go on."),
        RecorderNews::PartStarted { part, path, reason } => match reason {
            Some(r) if *part > 1 => format!("Recording to: {} (part {part}: {r})", path.display()),
            _ => format!("Recording to: {}", path.display()),
        },
        RecorderNews::Health { line, .. } => line.clone(),
        RecorderNews::Stalled { after_s } => {
            format!("Recording STALLED: no growth for {after_s} s; restarting streamlink")
        }
        RecorderNews::DiskLow {
            free_bytes,
            minutes_left,
            mb_per_min,
        } => format!(
            "Recording: {}; free some space, or the recording stops when the disk is full (it \
             goes on in a new part once it can write again)",
            crate::media::disk_watch::disk_low_words(*free_bytes, *minutes_left, *mb_per_min)
        ),
        RecorderNews::NoNewVideo { for_s } => format!(
            "Recording STALLED: the stream has sent no new video for {for_s} s while the \
             channel is live (the streamer's encoder may be stuck); still trying"
        ),
        RecorderNews::VideoBack { after_s } => {
            format!("Recording: the stream sends new video again (it was frozen for {after_s} s)")
        }
        RecorderNews::Stopped { why, .. } => format!("Recording {why}"),
        RecorderNews::Crashed { why } => {
            format!("Recording task {why}. Chat, moments and the database go on")
        }
        RecorderNews::Unwritable { why } => format!(
            "Recording CANNOT WRITE: {why}. Chat, moments and the database go on; recording \
             resumes in a new part once it can write again (free space or fix permissions)"
        ),
        RecorderNews::ClippingAll { count: 0, session } => {
            format!("Recording of session {session} ended: no moments left to clip")
        }
        RecorderNews::ClippingAll { count, session } => format!(
            "Recording of session {session} ended: clipping {}, best first...",
            plural(*count, "moment")
        ),
        RecorderNews::LeftPending {
            moments,
            session,
            out_of_time,
        } => format!(
            "{} of session {session} left pending ({}{}): cut {} later with `{}`",
            plural(moments.len(), "clip"),
            ids(moments),
            if *out_of_time {
                format!(
                    "; the {} s for cutting at quit ran out",
                    QUIT_CLIPS.as_secs()
                )
            } else {
                String::new()
            },
            if moments.len() == 1 { "it" } else { "them" },
            later_command("clip --pending")
        ),
        // Not worded by the quit answer: an ended stream's clips are cut whatever it was.
        RecorderNews::QuitUnfinished { session } => format!(
            "Session {session}: its recording and clip work did not finish in time; clips not \
             cut are left for `{}`",
            later_command("clip --pending")
        ),
        RecorderNews::AtQuit {
            session,
            cut: true,
            why,
        } => format!("Quit while live: cutting the pending clips of session {session} now ({why})"),
        RecorderNews::AtQuit {
            session,
            cut: false,
            why,
            // The "left pending" line that follows names the clips and the command.
        } => format!("Quit while live: not cutting the pending clips of session {session} ({why})"),
    })
}

fn ids(moments: &[i64]) -> String {
    let v: Vec<String> = moments.iter().map(|m| format!("#{m}")).collect();
    v.join(", ")
}

/// A clip's news into kicktui.log, in the words headless prints: the one log line of each clip
/// in either front end (a failure as a warning, on the shown target: headless stderr does
/// not repeat its stdout line).
pub fn log_clip(n: &ClipNews) {
    let Some(line) = clip_line(n) else { return };
    if matches!(n.state, ClipState::Failed(_)) {
        tracing::warn!(target: crate::logging::SHOWN, "{line}");
    } else {
        tracing::info!("{line}");
    }
}

/// Final clip states (and a wait, so a slow clip is explained); queued/cutting stay quiet.
pub fn clip_line(n: &ClipNews) -> Option<String> {
    let of = match n.progress {
        Some((i, total)) => format!("[{i}/{total}] "),
        None => String::new(),
    };
    let moment = n
        .moment_id
        .map_or(String::new(), |id| format!(" of moment #{id}"));
    Some(match &n.state {
        ClipState::Queued | ClipState::Cutting => return None,
        ClipState::Waiting => format!("Clip{moment} waits until its window is recorded"),
        // The TUI's flash in the same words: `ready (26.5 s): …`, `ready (short: 48.2 of 60
        // s, why): …`.
        ClipState::Ready { path, duration } => format!(
            "{of}Clip{moment} ready ({}): {}",
            clip_length_words(*duration, None, None),
            path.display()
        ),
        ClipState::Short {
            path,
            duration,
            asked,
            why,
        } => format!(
            "{of}Clip{moment} ready ({}): {}",
            clip_length_words(*duration, Some(*asked), why.as_deref()),
            path.display()
        ),
        ClipState::NoRecording | ClipState::FileMissing(_) | ClipState::Skipped => {
            format!("{of}Clip{moment} {}", n.state.label())
        }
        // A failure may pass (a full disk): `clip --pending` leaves failed clips alone, and
        // `--failed` takes them all.
        ClipState::Failed(_) => match n.moment_id {
            Some(id) => format!(
                "{of}Clip{moment} {}; `{}` cuts it again (`{}`: every failed clip)",
                n.state.label(),
                later_command(&format!("clip --moment {id}")),
                later_command("clip --pending --failed")
            ),
            None => format!("{of}Clip{moment} {}", n.state.label()),
        },
        ClipState::AlreadyCut { path, short } => {
            let short = if *short { " (short)" } else { "" };
            format!("Clip{moment} was cut already{short}: {}", path.display())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn lines_read_plainly() {
        let p = RecorderNews::PartStarted {
            part: 2,
            path: PathBuf::from("/d/recordings/x_s001_p2.ts"),
            reason: Some("the recording stalled".into()),
        };
        assert_eq!(
            recorder_line(&p).unwrap(),
            "Recording to: /d/recordings/x_s001_p2.ts (part 2: the recording stalled)"
        );
        let ready = ClipNews {
            session: 1,
            moment_id: Some(3),
            state: ClipState::Ready {
                path: PathBuf::from("/c/x_s001_m3.mp4"),
                duration: 12.04,
            },
            progress: Some((2, 5)),
        };
        assert_eq!(
            clip_line(&ready).unwrap(),
            "[2/5] Clip of moment #3 ready (12.0 s): /c/x_s001_m3.mp4"
        );
        let failed = ClipNews {
            state: ClipState::NoRecording,
            progress: None,
            ..ready
        };
        assert_eq!(
            clip_line(&failed).unwrap(),
            "Clip of moment #3 failed: no recording covers it"
        );
        let failed = ClipNews {
            state: ClipState::Failed("ffmpeg failed: No space left on device".into()),
            ..failed
        };
        assert_eq!(
            clip_line(&failed).unwrap(),
            "Clip of moment #3 failed: ffmpeg failed: No space left on device; \
             `kicktui clip --moment 3` cuts it again (`kicktui clip --pending --failed`: every \
             failed clip)"
        );
        // A short clip `kicktui clip` cut beside this run is said to be short.
        let beside = ClipNews {
            state: ClipState::AlreadyCut {
                path: "/d/m3.mp4".into(),
                short: true,
            },
            ..failed
        };
        assert_eq!(
            clip_line(&beside).unwrap(),
            "Clip of moment #3 was cut already (short): /d/m3.mp4"
        );
        // A short clip says why when the recording knows.
        let short = ClipNews {
            state: ClipState::Short {
                path: "/d/m3.mp4".into(),
                duration: 4.4,
                asked: 6.0,
                why: Some("the recording stops at 12:02:39: part 1 could not be written".into()),
            },
            ..beside
        };
        assert_eq!(
            clip_line(&short).unwrap(),
            "Clip of moment #3 ready (short: 4.4 of 6 s, the recording stops at 12:02:39: part \
             1 could not be written): /d/m3.mp4"
        );
    }

    /// The stream's-end and quit lines say a clip's length in the words the TUI's flash and
    /// details popup use (they said `ready but short (4.4 of 6.0 s)` beside `short: 4.4 of 6 s`).
    #[test]
    fn clip_lengths_read_as_the_tui_says_them() {
        use crate::app::ClipStatus;
        for state in [
            ClipState::Ready {
                path: "/d/m3.mp4".into(),
                duration: 28.24,
            },
            ClipState::Short {
                path: "/d/m3.mp4".into(),
                duration: 48.2,
                asked: 60.0,
                why: None,
            },
            ClipState::AlreadyCut {
                path: "/d/m3.mp4".into(),
                short: true,
            },
        ] {
            let words = ClipStatus::from(&state).length_words().unwrap_or_default();
            let n = ClipNews {
                session: 1,
                moment_id: Some(3),
                state,
                progress: None,
            };
            let line = clip_line(&n).unwrap_or_default();
            assert!(
                line.contains(&format!("({words}): /d/m3.mp4")),
                "{line:?} says {words:?}"
            );
        }
    }
}
