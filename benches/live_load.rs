//! Live load: the fake Kick sends 500 chat messages/s for a minute to a headless kicktui (the
//! release binary, its own process) and this reports the child's CPU time (utime + stime from
//! /proc/<pid>/stat) and peak RSS (VmHWM). Goal: under 5 % of one core and under 50 MB.
//!
//! Run: `cargo bench --bench live_load` (LIVE_LOAD_SECONDS and LIVE_LOAD_RATE override the
//! 60 s and 500 msg/s). `LIVE_LOAD_TUI=1` runs the TUI instead, in a 120×40 tmux pane.
//! `LIVE_LOAD_CLIENTS=100` also keeps that many dashboard clients on `/ws/metrics` (goal with
//! 100: under 10 % of one core and under 60 MB).

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use kicktui::config::Config;
use kicktui::fake::{FakeConfig, FakeKick};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const LINES: [&str; 16] = [
    "hi chat",
    "what rank is he now",
    "that was clean",
    "[emote:37226:KEKW]",
    "LMAO",
    "gg",
    "bro is cooking today",
    "the aim is crazy today",
    "W",
    "no way",
    "[emote:37226:KEKW][emote:37226:KEKW]",
    "how long has he been live",
    "this lobby is stacked",
    "real",
    "CLIP THAT",
    "one more game",
];

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// utime + stime of `pid`, in clock ticks.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn clock_ticks_per_s() -> u64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100)
}

/// The TUI in a private tmux server; returns the kicktui pid (the pane's program).
fn start_tui(cmd: &str) -> Result<u32, Box<dyn std::error::Error>> {
    let tmux = |args: &[&str]| {
        std::process::Command::new("tmux")
            .args(["-L", TMUX])
            .args(args)
            .output()
    };
    tmux(&[
        "new-session",
        "-d",
        "-s",
        "load",
        "-x",
        "120",
        "-y",
        "40",
        &format!("exec {cmd}"),
    ])?;
    let out = tmux(&["display-message", "-p", "-t", "load", "#{pane_pid}"])?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().parse()?)
}

const TMUX: &str = "kicktui-live-load";

fn free_port() -> std::io::Result<std::net::SocketAddr> {
    std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()
}

/// `n` dashboard clients that read everything; each counts its messages.
async fn connect_clients(
    bind: &str,
    n: u64,
) -> Result<Vec<Arc<AtomicU64>>, Box<dyn std::error::Error>> {
    let mut counts = Vec::new();
    for _ in 0..n {
        // The server starts with the engine: retry until it answers.
        let url = format!("ws://{bind}/ws/metrics");
        let mut tries = 0;
        let (ws, _) = loop {
            match tokio_tungstenite::connect_async(&url).await {
                Ok(ok) => break ok,
                Err(e) if tries > 100 => return Err(e.into()),
                Err(_) => tries += 1,
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let count = Arc::new(AtomicU64::new(0));
        let c = count.clone();
        tokio::spawn(async move {
            let mut ws = ws;
            while let Some(Ok(_)) = ws.next().await {
                c.fetch_add(1, Ordering::Relaxed);
            }
        });
        counts.push(count);
    }
    Ok(counts)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seconds = env_num("LIVE_LOAD_SECONDS", 60);
    let rate = env_num("LIVE_LOAD_RATE", 500);
    let kick = FakeKick::start(FakeConfig::default()).await?;
    let c = kick.control();
    let dir = tempfile::tempdir()?;
    let mut cfg = Config {
        kick: kick.kick_config(),
        ..Config::default()
    };
    // Chat load only (no stream to record here).
    cfg.recorder.enabled = false;
    let clients = env_num("LIVE_LOAD_CLIENTS", 0);
    cfg.server.bind = free_port()?.to_string();
    std::fs::write(dir.path().join("config.toml"), toml::to_string(&cfg)?)?;
    let tui = std::env::var("LIVE_LOAD_TUI").is_ok_and(|v| v == "1");
    let (mut child, pid, mut lines) = if tui {
        let cmd = format!(
            "'{}' --config '{}' --data-dir '{}' clavicular",
            env!("CARGO_BIN_EXE_kicktui"),
            dir.path().join("config.toml").display(),
            dir.path().join("data").display()
        );
        (None, start_tui(&cmd)?, None)
    } else {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kicktui"))
            .arg("--config")
            .arg(dir.path().join("config.toml"))
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .args(["clavicular", "--headless"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()?;
        let pid = child.id().ok_or("kicktui ended at once")?;
        let lines = BufReader::new(child.stdout.take().ok_or("no stdout")?).lines();
        (Some(child), pid, Some(lines))
    };
    tokio::time::timeout(Duration::from_secs(30), c.wait_subscribed()).await?;
    let metrics = connect_clients(&cfg.server.bind, clients).await?;
    c.set_live("Load test");
    let (tick_s, per_tick) = (0.01, rate as f64 * 0.01);
    let ticks0 = cpu_ticks(pid).ok_or("cannot read /proc/<pid>/stat")?;
    let started = Instant::now();
    let mut interval = tokio::time::interval(Duration::from_secs_f64(tick_s));
    let mut sent = 0u64;
    let mut due = 0.0;
    while started.elapsed() < Duration::from_secs(seconds) {
        interval.tick().await;
        due += per_tick;
        while (sent as f64) < due {
            let chat = c.new_chat(&format!("viewer{}", sent % 400), LINES[sent as usize % 16]);
            c.send_chat(&chat);
            sent += 1;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let ticks1 = cpu_ticks(pid).ok_or("cannot read /proc/<pid>/stat")?;
    let rss = peak_rss_kb(pid).unwrap_or(0);
    let mut summary = String::new();
    let status = if let (Some(mut child), Some(mut lines)) = (child.take(), lines.take()) {
        std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()?;
        while let Some(line) = lines.next_line().await? {
            if line.contains("Received ") {
                summary = line;
            }
        }
        child.wait().await?.to_string()
    } else {
        let tmux = |args: &[&str]| {
            std::process::Command::new("tmux")
                .args(["-L", TMUX])
                .args(args)
                .output()
        };
        tmux(&["send-keys", "-t", "load", "q"])?;
        while std::fs::metadata(format!("/proc/{pid}")).is_ok() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tmux(&["kill-server"])?;
        "TUI quit with q".into()
    };
    let cpu_s = (ticks1 - ticks0) as f64 / clock_ticks_per_s() as f64;
    let delivered = c.with_stats(|s| s.delivered_count("ChatMessageEvent"));
    println!(
        "live_load{}: {sent} chat messages in {elapsed:.1} s ({:.0}/s, {delivered} delivered); \
         kicktui used {cpu_s:.2} s of CPU = {:.2} % of one core; peak RSS {:.1} MB; exit {status}",
        if tui { " (TUI, 120x40 tmux pane)" } else { "" },
        sent as f64 / elapsed,
        100.0 * cpu_s / elapsed,
        rss as f64 / 1024.0
    );
    if clients > 0 {
        let got = metrics
            .iter()
            .map(|m| m.load(Ordering::Relaxed))
            .collect::<Vec<_>>();
        println!(
            "live_load: {clients} /ws/metrics clients got {}..{} messages each",
            got.iter().min().unwrap_or(&0),
            got.iter().max().unwrap_or(&0)
        );
    }
    if !summary.is_empty() {
        println!("live_load: kicktui said: {summary}");
    }
    Ok(())
}
