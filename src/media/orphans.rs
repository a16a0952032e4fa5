//! A SIGKILLed kicktui cannot stop its streamlink (nothing runs in a killed process, and
//! without `unsafe` a child cannot be told to die with its parent). So the recorder notes each
//! streamlink it starts (and the demo its ffmpeg encoder) in `<recordings>/.children` as
//! `<kicktui pid> <child pid>`, and the watcher, or the next start on that data dir, ends the
//! ones whose kicktui is gone.

use std::io::Write;
use std::path::{Path, PathBuf};

use nix::sys::signal::Signal;

use super::children::signal_group;

const FILE: &str = ".children";

fn file(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

fn proc_alive(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    !stat.is_empty() && !stat.contains(") Z")
}

/// The process is a streamlink or an ffmpeg leading its own process group (a reused pid is
/// neither, or not a group leader).
fn is_our_child(pid: u32) -> bool {
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let pgrp = stat
        .rsplit(')')
        .next()
        .and_then(|rest| rest.split_whitespace().nth(2))
        .and_then(|g| g.parse::<u32>().ok());
    let cmdline = String::from_utf8_lossy(&cmdline);
    (cmdline.contains("streamlink") || cmdline.contains("ffmpeg")) && pgrp == Some(pid)
}

fn read(dir: &Path) -> Vec<(u32, u32)> {
    std::fs::read_to_string(file(dir))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let (a, b) = l.split_once(' ')?;
            Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
        })
        .collect()
}

fn write(dir: &Path, entries: &[(u32, u32)]) {
    // None left: no file (it sits among the clips too, where people look).
    if entries.is_empty() {
        let _ = std::fs::remove_file(file(dir));
        return;
    }
    let text: String = entries.iter().map(|(a, b)| format!("{a} {b}\n")).collect();
    let _ = std::fs::write(file(dir), text);
}

/// Notes a child (streamlink, the demo's ffmpeg) this process started, and makes sure the
/// watcher that stops it after a kill of kicktui is running.
pub fn note(dir: &Path, child: u32) {
    super::reaper::ensure_started(dir);
    let line = format!("{} {child}\n", std::process::id());
    let f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file(dir));
    if let Ok(mut f) = f {
        let _ = f.write_all(line.as_bytes());
    }
}

/// Forgets a child that has exited.
pub fn forget(dir: &Path, child: u32) {
    let me = std::process::id();
    let rest: Vec<(u32, u32)> = read(dir)
        .into_iter()
        .filter(|&(p, c)| !(p == me && c == child))
        .collect();
    write(dir, &rest);
}

/// SIGTERMs every noted child whose kicktui is gone; returns their pids.
pub fn reap(dir: &Path) -> Vec<u32> {
    let mut reaped = Vec::new();
    let mut keep = Vec::new();
    let noted = read(dir);
    let before = noted.len();
    for (parent, child) in noted {
        if parent == std::process::id() || proc_alive(parent) {
            keep.push((parent, child));
        } else if proc_alive(child) && is_our_child(child) {
            signal_group(child, Signal::SIGTERM);
            reaped.push(child);
        }
    }
    // Written only when an entry went: a live run appending its child meanwhile (this runs
    // in `clip --pending` too) is not overwritten for nothing.
    if keep.len() != before {
        write(dir, &keep);
    }
    if !reaped.is_empty() {
        tracing::warn!("stopped streamlink/ffmpeg left by a killed kicktui: {reaped:?}");
    }
    reaped
}

/// [`reap`], then waits for them to end (streamlink closes its file within a second of
/// SIGTERM), and SIGKILLs any still there after 5 s: the file is final when this returns.
pub fn reap_and_wait(dir: &Path) -> Vec<u32> {
    let reaped = reap(dir);
    for _ in 0..50 {
        if reaped.iter().all(|&p| !proc_alive(p)) {
            return reaped;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    for &pid in reaped.iter().filter(|&&p| proc_alive(p)) {
        signal_group(pid, Signal::SIGKILL);
    }
    reaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_of_a_dead_parent_are_dropped_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        // pid 1 is alive and not us: kept. A parent that cannot exist: dropped.
        write(dir.path(), &[(1, 999_999_999), (999_999_998, 999_999_997)]);
        note(dir.path(), 42);
        assert!(reap(dir.path()).is_empty(), "no such streamlink to stop");
        let me = std::process::id();
        assert_eq!(read(dir.path()), vec![(1, 999_999_999), (me, 42)]);
        forget(dir.path(), 42);
        assert_eq!(read(dir.path()), vec![(1, 999_999_999)]);
        write(dir.path(), &[]);
        assert!(!file(dir.path()).exists(), "no empty file left");
    }
}
