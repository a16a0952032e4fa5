//! Runs the real `kicktui` binary against the fake Kick: a temp data dir and config, stdout
//! read line by line, every wait capped by `LIMIT`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use kicktui::config::{self, Config};
use kicktui::fake::FakeControl;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;
use tokio::time::{Instant, timeout, timeout_at};

pub const LIMIT: Duration = Duration::from_secs(15);

/// Fast settings: no warm-up, short windows, moments close 1 s after their last trigger.
/// `kicktui clavicular` as a shell command for a tmux pane: `cfg` written to
/// `<dir>/config.toml`, data in `<dir>/data` (returned); `then` runs after it exits.
pub fn tui_command(dir: &std::path::Path, cfg: &Config, then: &str) -> (String, PathBuf) {
    let config = dir.join("config.toml");
    std::fs::write(&config, toml::to_string(cfg).unwrap()).unwrap();
    let data = dir.join("data");
    let cmd = format!(
        "'{}' clavicular --config '{}' --data-dir '{}'{then}",
        env!("CARGO_BIN_EXE_kicktui"),
        config.display(),
        data.display()
    );
    (cmd, data)
}

pub fn test_config(kick: config::Kick) -> Config {
    let mut c = Config {
        kick,
        ..Config::default()
    };
    c.chat.warmup_seconds = 0;
    c.chat.window_seconds = 3;
    c.emotes.window_seconds = 2;
    c.moments.merge_seconds = 1;
    // Long enough that one scripted burst is one moment, short enough for the next script step.
    c.moments.cooldown_seconds = 10;
    c.recorder.enabled = false;
    // Any free port: parallel runs never meet on 8787.
    c.server.bind = "127.0.0.1:0".into();
    // These tests drive the live pipeline with seconds-long scripted bursts right after going
    // live; the default peak model rightly needs minutes of chat history first, so they use the
    // rule detectors (tuned by the settings above).
    c.peaks.enabled = false;
    c
}

/// A fake Kick and a local live HLS stream, with a config that records it and clips in
/// windows of a few seconds (cut from what is recorded by then): where the TUI tests that
/// record and clip start. The temp dir holds the stream's segments.
pub struct Recording {
    pub kick: kicktui::fake::FakeKick,
    pub src: kicktui::media::hls_source::HlsSource,
    pub dir: tempfile::TempDir,
    pub cfg: Config,
}

pub async fn recording() -> Recording {
    let kick = kicktui::fake::FakeKick::start(kicktui::fake::FakeConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let hls = dir.path().join("hls");
    std::fs::create_dir(&hls).unwrap();
    let src = kicktui::media::hls_source::HlsSource::start(&hls, "ffmpeg")
        .await
        .unwrap();
    let mut cfg = test_config(kick.kick_config());
    cfg.recorder.enabled = true;
    cfg.recorder.stream_url = src.url();
    cfg.recorder.poll_interval_seconds = 5;
    cfg.moments.pre_roll_seconds = 2;
    cfg.moments.post_roll_seconds = 1;
    cfg.moments.event_pre_roll_seconds = 2;
    cfg.moments.event_post_roll_seconds = 1;
    cfg.clips.reaction_delay_seconds = 0;
    Recording {
        kick,
        src,
        dir,
        cfg,
    }
}

pub struct Run {
    pub dir: tempfile::TempDir,
    child: Child,
    lines: mpsc::UnboundedReceiver<String>,
    pub seen: Vec<String>,
}

impl Run {
    /// `kicktui --config <dir>/config.toml --data-dir <dir>/data ARGS…`; `{dir}` in an
    /// argument is the temp dir.
    pub fn start(cfg: &Config, args: &[&str]) -> Run {
        Run::start_in(tempfile::tempdir().unwrap(), cfg, args)
    }

    /// [`Run::start`] in a given temp dir (a second run on the first one's data).
    pub fn start_in(dir: tempfile::TempDir, cfg: &Config, args: &[&str]) -> Run {
        Run::start_env(dir, cfg, args, &[])
    }

    /// [`Run::start_in`] with extra environment variables for the child.
    pub fn start_env(
        dir: tempfile::TempDir,
        cfg: &Config,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Run {
        Run::start_bin(env!("CARGO_BIN_EXE_kicktui").as_ref(), dir, cfg, args, env)
    }

    /// [`Run::start_env`] with another copy of the binary (a user may rename it).
    pub fn start_bin(
        bin: &std::path::Path,
        dir: tempfile::TempDir,
        cfg: &Config,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Run {
        let shown = dir.path().display().to_string();
        let args: Vec<String> = args.iter().map(|a| a.replace("{dir}", &shown)).collect();
        std::fs::write(
            dir.path().join("config.toml"),
            toml::to_string(cfg).unwrap(),
        )
        .unwrap();
        let mut cmd = Command::new(bin);
        cmd.arg("--config")
            .arg(dir.path().join("config.toml"))
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        // A binary copied a moment ago can be "busy" while another test's fork still holds
        // the copy's descriptor (ETXTBSY): that passes within milliseconds.
        let mut tries = 0;
        let mut child = loop {
            match cmd.spawn() {
                Err(e) if e.raw_os_error() == Some(26) && tries < 50 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                r => break r.unwrap(),
            }
        };
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut reader = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Run {
            dir,
            child,
            lines,
            seen: Vec::new(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Reads lines until one contains `needle`; returns it.
    pub async fn expect(&mut self, needle: &str) -> String {
        self.expect_any(&[needle]).await
    }

    /// Reads until every needle has been seen since `from` (in any order); returns the lines.
    pub async fn expect_all(&mut self, needles: &[&str]) -> Vec<String> {
        let from = self.seen.len();
        let mut found = Vec::new();
        for n in needles {
            let already = self.seen[from..].iter().find(|l| l.contains(n)).cloned();
            found.push(match already {
                Some(l) => l,
                None => self.expect(n).await,
            });
        }
        found
    }

    /// The dashboard's `/api/state`, at the address the run printed.
    pub async fn api_state(&self) -> serde_json::Value {
        let dashboard = self
            .seen
            .iter()
            .find_map(|l| l.split("Dashboard: http://").nth(1))
            .and_then(|rest| rest.split('/').next())
            .expect("the dashboard's address");
        reqwest::get(format!("http://{dashboard}/api/state"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn expect_any(&mut self, needles: &[&str]) -> String {
        self.expect_within(needles, LIMIT).await
    }

    /// Like [`Run::expect_any`] with its own limit (streamlink and ffmpeg take their time).
    pub async fn expect_within(&mut self, needles: &[&str], limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let line = match timeout_at(deadline, self.lines.recv()).await {
                Ok(Some(l)) => l,
                Ok(None) => panic!(
                    "kicktui ended before {needles:?}:\n{}",
                    self.seen.join("\n")
                ),
                Err(_) => panic!("no {needles:?} within {limit:?}:\n{}", self.seen.join("\n")),
            };
            self.seen.push(line.clone());
            if needles.iter().any(|n| line.contains(n)) {
                return line;
            }
        }
    }

    /// Sends `signal` (TERM, INT, HUP), reads the remaining output, waits for the exit.
    pub async fn stop(self, signal: &str) -> (ExitStatus, Vec<String>, tempfile::TempDir) {
        let pid = self.child.id().unwrap().to_string();
        let killed = std::process::Command::new("kill")
            .args([format!("-{signal}"), pid])
            .status()
            .unwrap();
        assert!(killed.success());
        self.finish().await
    }

    /// Waits for the exit (without a signal) and the rest of the output.
    pub async fn finish(mut self) -> (ExitStatus, Vec<String>, tempfile::TempDir) {
        let status = timeout(LIMIT, self.child.wait()).await.unwrap().unwrap();
        while let Ok(Some(l)) = timeout(LIMIT, self.lines.recv()).await {
            self.seen.push(l);
        }
        (status, self.seen, self.dir)
    }
}

/// Waits for a connection other than `old` subscribed to all five channels.
pub async fn resubscribed(c: &FakeControl, old: u64) -> u64 {
    let channels = c.pusher_channels();
    let stats = timeout(
        LIMIT,
        c.wait_for(|s| {
            s.subscriptions
                .iter()
                .any(|(id, subs)| *id != old && channels.iter().all(|ch| subs.contains(ch)))
        }),
    )
    .await
    .expect("no resubscription");
    stats.subscribed_to_all(&channels).unwrap()
}

/// Waits until a chat client says its chat is live.
pub async fn wait_live(state: &tokio::sync::watch::Receiver<kicktui::source::ChatState>) {
    let mut state = state.clone();
    timeout(
        LIMIT,
        state.wait_for(|s| matches!(s, kicktui::source::ChatState::Live { .. })),
    )
    .await
    .unwrap()
    .unwrap();
}

/// Every chat state shown until the source ends (its sender dropped). A watch keeps only the
/// latest: a state replaced within a scheduler tick may go unseen.
pub fn states_shown(
    state: &tokio::sync::watch::Receiver<kicktui::source::ChatState>,
) -> tokio::task::JoinHandle<Vec<kicktui::source::ChatState>> {
    let mut state = state.clone();
    tokio::spawn(async move {
        let mut shown = Vec::new();
        while state.changed().await.is_ok() {
            shown.push(state.borrow_and_update().clone());
        }
        shown
    })
}

/// Waits for [`states_shown`] to end and asserts none of them was live.
pub async fn never_live(shown: tokio::task::JoinHandle<Vec<kicktui::source::ChatState>>) {
    let shown = timeout(LIMIT, shown).await.unwrap().unwrap();
    assert!(
        !shown
            .iter()
            .any(|s| matches!(s, kicktui::source::ChatState::Live { .. })),
        "never live: {shown:?}"
    );
}

/// Why a chat client next waits to reconnect (its first `Reconnecting` state from now on).
pub async fn reconnect_reason(
    state: &tokio::sync::watch::Receiver<kicktui::source::ChatState>,
) -> String {
    let mut state = state.clone();
    timeout(LIMIT, async {
        loop {
            state.changed().await.unwrap();
            if let kicktui::source::ChatState::Reconnecting { reason, .. } = &*state.borrow() {
                return reason.clone();
            }
        }
    })
    .await
    .unwrap()
}

pub fn db(data_dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(kicktui::store::db_path(data_dir)).unwrap()
}

/// One number from SQL.
pub fn count(db: &rusqlite::Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// `Received N chat messages, …` → N.
pub fn received(lines: &[String]) -> u64 {
    let line = lines
        .iter()
        .find(|l| l.contains("Received "))
        .unwrap_or_else(|| panic!("no summary line:\n{}", lines.join("\n")));
    let after = line.split("Received ").nth(1).unwrap();
    after.split(' ').next().unwrap().parse().unwrap()
}
