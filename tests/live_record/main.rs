//! The real binary with the real programs: `kicktui CHANNEL --headless` against the fake Kick,
//! recording a local live HLS stream with streamlink. Go live → recording and health lines →
//! a chat spike becomes a moment → the encoder crashes while the channel is live → a new part
//! → a donation moment → offline → every moment is clipped → SIGTERM → exit 0, no child left.

#[path = "../support/mod.rs"]
mod support;

mod no_recording;
mod stopping;
mod whole_stream;

use std::path::Path;
use std::time::Duration;

use kicktui::fake::FakeControl;
use kicktui::media::hls_source::HlsSource;
use support::{LIMIT, Run};
use tokio::time::timeout;

/// Every process whose parent is `pid`, with its command line.
fn children_of(pid: u32) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{child}/stat")).unwrap_or_default();
        let ppid = stat
            .rsplit(')')
            .next()
            .and_then(|rest| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(pid) {
            let cmd = std::fs::read(format!("/proc/{child}/cmdline")).unwrap_or_default();
            out.push((child, String::from_utf8_lossy(&cmd).replace('\0', " ")));
        }
    }
    out
}

fn streamlinks_of(pid: u32) -> Vec<u32> {
    children_of(pid)
        .into_iter()
        .filter(|(_, cmd)| cmd.contains("streamlink"))
        .map(|(p, _)| p)
        .collect()
}

/// The children of `pid` whose command line matches, once there are `n` of them: a child
/// just spawned shows an empty command line until its exec is done.
async fn wait_children(pid: u32, n: usize, matches: impl Fn(&str) -> bool) -> Vec<u32> {
    let found = || -> Vec<u32> {
        children_of(pid)
            .into_iter()
            .filter(|(_, cmd)| matches(cmd))
            .map(|(p, _)| p)
            .collect()
    };
    let wait = async {
        loop {
            let now = found();
            if now.len() >= n {
                return now;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let got = timeout(LIMIT, wait).await.unwrap_or_else(|_| found());
    assert_eq!(got.len(), n, "{:?}", children_of(pid));
    got
}

async fn wait_streamlink(pid: u32) -> Vec<u32> {
    wait_children(pid, 1, |cmd| cmd.contains("streamlink")).await
}

fn alive(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    !stat.is_empty() && !stat.contains(") Z")
}

/// Chat connected and the local stream up, the channel goes live and recording starts.
async fn go_live_and_record(run: &mut Run, c: &FakeControl, src: &HlsSource) {
    run.expect("Connected to clavicular chat").await;
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    assert!(src.wait_segments(3, Duration::from_secs(20)).await);
    c.set_live("Ranked");
    run.expect("Recording to:").await;
}

fn duration_of(path: &Path) -> f64 {
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "format=duration"])
        .args(["-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success(), "ffprobe {}", path.display());
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}
