//! A private tmux server for end-to-end TUI tests: send-keys in, capture-pane out.

#![allow(dead_code)]

use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A private tmux server (its own socket), killed when the test ends however it ends.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// A server of its own, named after the test and this process.
    pub fn new(tag: &str) -> Tmux {
        Tmux {
            socket: format!("kicktui-test-{tag}-{}", std::process::id()),
        }
    }

    /// Runs `cmd` in a detached 80×24 session `kt`, the smallest pane people use.
    pub fn start_80x24(&self, cmd: &str) {
        let started = self.run(&["new-session", "-d", "-s", "kt", "-x", "80", "-y", "24", cmd]);
        assert!(started.status.success(), "{started:?}");
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs (scripts/test.sh installs it)")
    }

    /// The pid of the program the pane's shell runs (empty when none).
    pub fn program_pid(&self) -> String {
        let shell = self.run(&["display-message", "-p", "-t", "kt", "#{pane_pid}"]);
        let shell = String::from_utf8_lossy(&shell.stdout).trim().to_string();
        let path = format!("/proc/{shell}/task/{shell}/children");
        let children = std::fs::read_to_string(&path).unwrap_or_default();
        children
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string()
    }

    pub fn capture(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "kt"]).stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.run(&["send-keys", "-t", "kt", k]);
            // Separate presses: Esc followed at once by a key reads as Alt-key.
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// Polls the pane until `pred` holds, or fails with the last screen.
    pub fn wait_for(&self, what: &str, limit: Duration, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if pred(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < limit,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// The run in `tmux` subscribed, the local stream playing, the channel live, and the TUI
/// showing recorded bytes: a live, recording run to press keys in.
pub async fn live_and_recording(
    tmux: &Tmux,
    c: &kicktui::fake::FakeControl,
    src: &kicktui::media::hls_source::HlsSource,
) {
    tokio::time::timeout(Duration::from_secs(20), c.wait_subscribed())
        .await
        .expect("subscribed");
    assert!(src.wait_segments(3, Duration::from_secs(20)).await);
    c.set_live("Ranked");
    tokio::task::block_in_place(|| {
        tmux.wait_for("recorded bytes", Duration::from_secs(30), |s| {
            s.contains("● REC") && s.contains("recording · ") && s.contains(" MB")
        })
    });
}
