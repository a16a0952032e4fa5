//! End to end: quitting the TUI while live and recording asks about the session's pending
//! clips. `y` cuts them before kicktui exits; `n` leaves them `pending` for
//! `kicktui clip --pending`. Either way the answer is in kicktui.log.

mod support;
mod tmux_support;

use std::path::Path;
use std::time::Duration;

use support::{db, tui_command};
use tmux_support::Tmux;

fn wait(tmux: &Tmux, what: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
    tokio::task::block_in_place(|| tmux.wait_for(what, Duration::from_secs(secs), pred))
}

fn clip_statuses(data: &Path) -> Vec<String> {
    let db = db(data);
    let mut stmt = db
        .prepare("SELECT clip_status FROM moments ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Live and recording, one mark, then `q` and `answer`; returns the data dir's owner, the
/// screen after exit and the log. `clip_now`: the mark's clip is asked for with `c` at once,
/// its window ending a minute later (not recorded by the time of the quit).
async fn quit_live_with(
    answer: &str,
    tag: &str,
    clip_now: bool,
) -> (tempfile::TempDir, String, String) {
    let support::Recording {
        kick,
        src,
        dir,
        mut cfg,
    } = support::recording().await;
    let c = kick.control();
    if clip_now {
        cfg.moments.post_roll_seconds = 60;
    }
    if answer.starts_with('y') {
        // A slow cut, so there is time to pause (or interrupt) it.
        let slow = dir.path().join("slow-ffmpeg");
        std::fs::write(&slow, "#!/bin/sh\nsleep 3\nexec ffmpeg \"$@\"\n").unwrap();
        std::fs::set_permissions(&slow, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        cfg.recorder.ffmpeg = slow.display().to_string();
    }
    let (cmd, data) = tui_command(dir.path(), &cfg, "; echo KICKTUI-EXIT=$?; sleep 60");
    let tmux = Tmux::new(tag);
    tmux.start_80x24(&cmd);
    // Some recording before and after the mark, so its clip has content.
    tmux_support::live_and_recording(&tmux, &c, &src).await;
    tmux.keys(&["m"]);
    wait(&tmux, "the stored mark", 10, |s| {
        s.contains("MARKED") && s.contains("saved #")
    });
    if clip_now {
        tmux.keys(&["c"]);
        wait(&tmux, "the clip waiting for its window", 10, |s| {
            s.contains("waiting")
        });
    }
    tokio::time::sleep(Duration::from_secs(3)).await;

    tmux.keys(&["q"]);
    wait(&tmux, "the question", 5, |s| {
        s.contains("Cut the 1 pending clip now?")
    });
    tmux.keys(&[&answer[..1]]);
    let code = match answer {
        "y" => {
            ctrl_z_pauses_the_cut(&tmux);
            0
        }
        "y-int" => {
            wait(&tmux, "the cut", 10, |s| s.contains("clipping 1 moment"));
            signal(&tmux.program_pid(), "INT");
            130
        }
        _ => 0,
    };
    let screen = wait(&tmux, "the exit", 40, |s| s.contains("KICKTUI-EXIT="));
    assert!(screen.contains(&format!("KICKTUI-EXIT={code}")), "{screen}");
    let log = std::fs::read_to_string(data.join("kicktui.log")).unwrap();
    (dir, screen, log)
}

/// Once the TUI has closed, Ctrl-Z stops kicktui like any command (the TUI had turned it
/// into "refused"), and a continue lets the cut finish.
fn ctrl_z_pauses_the_cut(tmux: &Tmux) {
    wait(tmux, "the cut", 10, |s| s.contains("clipping 1 moment"));
    let pid = tmux.program_pid();
    let state = || {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        stat.rsplit_once(") ")
            .and_then(|(_, rest)| rest.chars().next())
            .unwrap_or('?')
    };
    signal(&pid, "TSTP");
    let start = std::time::Instant::now();
    while state() != 'T' {
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "not stopped: {}",
            state()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    signal(&pid, "CONT");
}

fn signal(pid: &str, name: &str) {
    let sent = std::process::Command::new("kill")
        .args(["-s", name, pid])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -s {name} {pid}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn y_at_quit_cuts_the_pending_clip_before_exit() {
    let (dir, screen, log) = quit_live_with("y", "quit-y", false).await;
    let line = "Quit while live: cutting the pending clips of session 1 now (answered at quit)";
    assert!(log.contains(line), "{log}");
    assert!(screen.contains("Quit while live: cutting"), "{screen}");
    assert!(screen.contains("[1/1] Clip of moment #1 ready"), "{screen}");
    // Cut after the TUI closed: kicktui.log has it once, in the words printed.
    let logged = log
        .lines()
        .filter(|l| l.contains("Clip of moment #1 ready") || l.contains("Clip ready"))
        .count();
    assert_eq!(logged, 1, "{log}");
    let statuses = clip_statuses(&dir.path().join("data"));
    assert_eq!(statuses.len(), 1, "{statuses:?}");
    assert!(
        matches!(statuses[0].as_str(), "done" | "short"),
        "{statuses:?}\n{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn n_at_quit_leaves_the_clip_pending_for_later() {
    let (dir, screen, log) = quit_live_with("n", "quit-n", false).await;
    // The command names this run's config and data dir: a plain `kicktui clip --pending`
    // would not find the data, nor the tools and hook the config names.
    let data = dir.path().join("data");
    let quit = "Quit while live: not cutting the pending clips of session 1 (answered at quit)";
    assert!(log.contains(quit), "{log}");
    let line = format!(
        "1 clip of session 1 left pending (#1): cut it later with \
         `kicktui --config {} --data-dir {} clip --pending`",
        dir.path().join("config.toml").display(),
        data.display()
    );
    assert!(log.contains(&line), "{log}");
    assert!(screen.contains("left pending (#1)"), "{screen}");
    assert_eq!(clip_statuses(&dir.path().join("data")), vec!["pending"]);
}

/// A clip asked for with `c` whose window the recording does not hold yet is left pending
/// too: it was cut short at quit (2.2 of 7.5 s) and never came back to `clip --pending`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn n_at_quit_leaves_a_clip_still_waiting_for_its_window_pending() {
    let (dir, screen, log) = quit_live_with("n", "quit-n-c", true).await;
    assert!(!log.contains("short"), "{log}");
    assert!(screen.contains("left pending (#1)"), "{screen}");
    assert_eq!(clip_statuses(&dir.path().join("data")), vec!["pending"]);
}

/// Ctrl-C while the clips chosen at quit are cut (the TUI has closed; `q` began the stop, so
/// it is the second ask): kicktui stops at once and leaves the clip for `clip --pending`. It
/// did nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_the_cut_at_quit_stops_at_once() {
    let (dir, screen, _log) = quit_live_with("y-int", "quit-int", false).await;
    assert!(screen.contains("Stopping now (Ctrl-C again)"), "{screen}");
    let statuses = clip_statuses(&dir.path().join("data"));
    assert!(
        !statuses.iter().any(|s| s == "done" || s == "short"),
        "{statuses:?}"
    );
    // The stop was asked for: the session is closed, as left while live (it stayed open
    // and was later called a crash's).
    let (ended, left_live): (Option<String>, i64) = db(&dir.path().join("data"))
        .query_row("SELECT ended_at, left_live FROM sessions", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert!(ended.is_some() && left_live == 1, "{ended:?} {left_live}");
}

/// `n` at quit while a clip's ffmpeg hangs: the recording still stops at once and its row is
/// closed, and the clip is left pending. The quit used to wait for the hung cut before it
/// stopped the recording, ran out of time, and exited with the recording row still open
/// ("recording row not updated: the store writer has stopped").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn n_at_quit_during_a_hung_cut_still_closes_the_recording() {
    let support::Recording {
        kick,
        src,
        dir,
        mut cfg,
    } = support::recording().await;
    let c = kick.control();
    // Answers the start's version check; every cut hangs.
    let hung = dir.path().join("hung-ffmpeg");
    std::fs::write(
        &hung,
        "#!/bin/sh\ncase \"$1\" in -version) exec ffmpeg \"$@\";; esac\nexec sleep 601.77\n",
    )
    .unwrap();
    std::fs::set_permissions(&hung, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    cfg.recorder.ffmpeg = hung.display().to_string();
    let (cmd, data) = tui_command(dir.path(), &cfg, "; echo KICKTUI-EXIT=$?; sleep 60");
    let tmux = Tmux::new("quit-n-hung");
    tmux.start_80x24(&cmd);
    tmux_support::live_and_recording(&tmux, &c, &src).await;
    tmux.keys(&["m"]);
    wait(&tmux, "the stored mark", 10, |s| {
        s.contains("MARKED") && s.contains("saved #")
    });
    tmux.keys(&["c"]);
    wait(&tmux, "the hung cut", 20, |s| s.contains("cutting"));
    tmux.keys(&["q"]);
    wait(&tmux, "the question", 5, |s| s.contains("Quit?"));
    tmux.keys(&["n"]);
    let screen = wait(&tmux, "the exit", 40, |s| s.contains("KICKTUI-EXIT="));
    assert!(screen.contains("KICKTUI-EXIT=0"), "{screen}");
    let log = std::fs::read_to_string(data.join("kicktui.log")).unwrap();
    assert!(!log.contains("not updated"), "{log}");
    let (status, ended): (String, Option<String>) = db(&data)
        .query_row("SELECT status, ended_at FROM recordings", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert!(
        status != "recording" && ended.is_some(),
        "{status} {ended:?}\n{log}"
    );
    assert_eq!(clip_statuses(&data), vec!["pending"], "{log}");
    let left = std::process::Command::new("pgrep")
        .args(["-f", "sleep 601.77"])
        .output()
        .unwrap();
    assert!(left.stdout.is_empty(), "the hung cut is left running");
}
