//! `kicktui clip` through the binary: a window ahead of the recording waits for it, a length
//! past the recording is cut and said to be short, lengths no one means are refused, a clip is
//! cut from the stored parts at the right time, and a slow on_ready hook stops with kicktui.

use std::path::PathBuf;
use std::time::Duration;

use kicktui::media::RecordingStatus;

use crate::media_support::*;
use crate::{Recording, Stream};

/// A clip the recording has not reached yet waits for it while a live run holds the channel.
pub async fn a_clip_ahead_of_the_recording_waits(s: &Stream, r: &Recording, st: &RecordingStatus) {
    let (data, live_at, session, store) = (s.data.clone(), s.live_at, s.session, &r.store);
    // `kicktui clip` for a window the recording has not reached yet waits for it, then cuts
    // it whole (it used to fail, or cut it short, at once), while a live run holds the
    // channel (without one, what a kill left cannot grow and is cut at once).
    store.flush().await.unwrap();
    let live_run =
        kicktui::run_lock::acquire(&data, "kick", "testchan", kicktui::run_lock::Role::Watching)
            .unwrap();
    let recorded_to = st.parts.last().unwrap().content_end().unwrap();
    let start = format!("{:.0}", recorded_to.secs_since(live_at) - 2.0);
    let ahead = tokio::process::Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .args(["clip", "--session", &session.to_string(), "--start", &start])
        .args(["--duration", "8", "--data-dir"])
        .arg(&data)
        .env_remove("KICKTUI_CONFIG")
        .output()
        .await
        .unwrap();
    let err = String::from_utf8_lossy(&ahead.stderr);
    assert!(
        ahead.status.success() && err.contains("waiting for the recording to reach"),
        "{err}"
    );
    assert!(!err.contains("short"), "cut whole once recorded: {err}");
    drop(live_run);
}

/// From the stored recordings after the stream: an unreadable part left out, lengths checked,
/// and the clip's start where the stream's time says.
pub fn the_cli_cuts_from_the_stored_recordings(s: &Stream, part1: PathBuf) {
    let (data, db, session, live_at) = (s.data.clone(), s.db.clone(), s.session, s.live_at);
    // A part a full disk left unreadable (no sidecar, not media): left out, the rest cuts.
    let junk = data.join("recordings/junk_p99.ts");
    std::fs::write(&junk, b"not a transport stream").unwrap();
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "INSERT INTO recordings (session_id, part, path, started_at, status, \
             first_byte_at, pdt_first_at) \
             SELECT session_id, 99, ?1, started_at, 'interrupted', first_byte_at, pdt_first_at \
             FROM recordings \
             WHERE session_id = ?2 ORDER BY part LIMIT 1",
            rusqlite::params![junk.display().to_string(), session],
        )
        .unwrap();
    let cli_clip = |start: &str, duration: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_kicktui"))
            .args(["clip", "--session", &session.to_string()])
            .args(["--start", start, "--duration", duration])
            .arg("--data-dir")
            .arg(&data)
            .env_remove("KICKTUI_CONFIG")
            .output()
            .unwrap()
    };
    // Far more than was recorded: cut, and said to be short.
    let long = cli_clip("0:00:01", "600");
    let err = String::from_utf8_lossy(&long.stderr);
    assert!(
        long.status.success() && err.contains("the clip is short") && err.contains("of 600.0 s"),
        "{err}"
    );
    // Named by what it holds, not by the 600 s asked.
    let name = String::from_utf8_lossy(&long.stdout).trim().to_string();
    assert!(!name.ends_with("_600s.mp4"), "{name}");
    let held: f64 = name
        .rsplit_once('_')
        .and_then(|(_, s)| s.strip_suffix("s.mp4"))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{name}"));
    assert!((1.0..600.0).contains(&held), "{name}");
    // A length or start no one means is refused with the rule, not cut or misnamed.
    for (start, duration, says) in [
        ("0:00:01", "0.2", "from 1 to 21600 seconds"),
        ("0:00:01", "999999999999", "from 1 to 21600 seconds"),
        ("1:75", "5", "expected H:MM:SS"),
    ] {
        let bad = cli_clip(start, duration);
        let err = String::from_utf8_lossy(&bad.stderr);
        assert!(
            !bad.status.success() && err.contains(says),
            "{start} {duration}: {err}"
        );
    }
    // The CLI cuts from the stored recordings: 5 s at 0:00:01 of the stream (in part 1).
    let out = cli_clip("0:00:01", "5");
    let stdout = String::from_utf8_lossy(&out.stdout);

    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let clip = std::path::PathBuf::from(stdout.trim());
    let d = duration_of(&clip);
    assert!((5.0..7.5).contains(&d), "{d}");
    let (first, _) = clip_wall_range(&clip, &[&part1], live_at);
    let err = first.secs_since(live_at.plus_secs(1.0));
    assert!(
        (-2.6..0.6).contains(&err),
        "CLI clip starts {err:+.2} s off"
    );
}

/// A slow on_ready hook is said to be running, and stopping kicktui stops it too.
pub async fn a_slow_hook_stops_with_kicktui(s: &Stream) {
    let (tmp, data, session) = (&s.tmp, s.data.clone(), s.session);
    // A slow on_ready hook is said to be running; stopping kicktui (Ctrl-C, `timeout`, cron)
    // stops the hook too: it is in a process group of its own, and it outlived kicktui.
    let cfg = tmp.path().join("slow_hook.toml");
    std::fs::write(&cfg, "[clips]\non_ready = [\"sleep\", \"47.25\"]\n").unwrap();
    let mut slow = tokio::process::Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .arg("--config")
        .arg(&cfg)
        .args(["clip", "--session", &session.to_string()])
        .args(["--start", "0:00:02", "--duration", "3", "--data-dir"])
        .arg(&data)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines =
        tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(slow.stderr.take().unwrap()));
    let running = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(Some(l)) = lines.next_line().await {
            if l.contains("on_ready sleep: running") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(running, Ok(true), "the hook's wait is said");
    let pid = nix::unistd::Pid::from_raw(slow.id().unwrap() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
    let status = tokio::time::timeout(Duration::from_secs(10), slow.wait())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.code(), Some(143));
    let hook_alive = std::fs::read_dir("/proc").unwrap().flatten().any(|p| {
        std::fs::read(p.path().join("cmdline")).is_ok_and(|c| c.windows(5).any(|w| w == b"47.25"))
    });
    assert!(!hook_alive, "the hook outlived kicktui");
}
