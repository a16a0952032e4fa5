//! End to end: two marks while live and recording, `x` on the second, then the stream ends.
//! The end-of-stream clipping cuts the first and passes the skipped one by; the database says
//! `skipped`, and quitting offers nothing to cut.

mod support;
mod tmux_support;

use std::time::Duration;

use support::{db, tui_command};
use tmux_support::Tmux;

fn wait(tmux: &Tmux, what: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
    tokio::task::block_in_place(|| tmux.wait_for(what, Duration::from_secs(secs), pred))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_skipped_moment_is_not_clipped_when_the_stream_ends() {
    let support::Recording {
        kick,
        src,
        dir,
        cfg,
    } = support::recording().await;
    let c = kick.control();
    let (cmd, data) = tui_command(dir.path(), &cfg, "; echo KICKTUI-EXIT=$?; sleep 60");
    let tmux = Tmux::new("skip-clip");
    tmux.start_80x24(&cmd);
    tmux_support::live_and_recording(&tmux, &c, &src).await;

    tmux.keys(&["m"]);
    wait(&tmux, "the first mark", 10, |s| s.contains("saved #1"));
    // Past the 3 s in which `m` again is the same moment.
    tokio::time::sleep(Duration::from_secs(4)).await;
    tmux.keys(&["m"]);
    wait(&tmux, "the second mark, selected", 10, |s| {
        s.contains("saved #2")
    });
    tmux.keys(&["x"]);
    let screen = wait(&tmux, "the skip", 10, |s| {
        s.contains("moment #2 will not be clipped")
    });
    assert!(screen.contains("skipped"), "{screen}");

    c.set_offline();
    let screen = wait(&tmux, "the first clip cut at the stream's end", 60, |s| {
        s.contains("ready")
    });
    assert!(screen.contains("skipped"), "{screen}");
    let rows: Vec<(i64, String)> = {
        let db = db(&data);
        let mut stmt = db
            .prepare("SELECT id, clip_status FROM moments ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(rows, vec![(1, "done".into()), (2, "skipped".into())]);
    let clips: Vec<_> = std::fs::read_dir(data.join("clips"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".mp4"))
        .collect();
    assert_eq!(clips.len(), 1, "{clips:?}");

    // Nothing left to cut: `q` does not ask about clips.
    tmux.keys(&["q"]);
    let screen = wait(&tmux, "the exit", 30, |s| {
        s.contains("KICKTUI-EXIT=") || s.contains("?")
    });
    assert!(!screen.contains("pending clip"), "{screen}");
}
