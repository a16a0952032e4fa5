//! `--capture FILE`: every received frame with its receive time, as the capture lines that
//! `kicktui replay` reads, so a real stream can be replayed later. Written on its own thread.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::time::{Duration, Instant};

use crate::domain::Ts;

/// One capture line: `{"recv": RFC3339, "frame": <the frame as received>}`.
pub fn capture_line(recv: Ts, frame: &str) -> String {
    // A frame is one JSON object; line breaks can only be whitespace in it.
    let frame = frame.trim().replace(['\n', '\r'], " ");
    format!("{{\"recv\":\"{}\",\"frame\":{frame}}}", recv.to_rfc3339())
}

#[derive(Clone)]
pub struct Capture {
    tx: SyncSender<String>,
}

impl Capture {
    /// Creates (or appends to) the file and starts the writer thread. Join the handle after
    /// dropping every `Capture` to be sure the file is flushed.
    pub fn start(path: &Path) -> std::io::Result<(Capture, std::thread::JoinHandle<()>)> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        let (tx, rx) = sync_channel(8192);
        let thread = std::thread::Builder::new()
            .name("kicktui-capture".into())
            .spawn(move || write_loop(rx, BufWriter::new(file)))?;
        Ok((Capture { tx }, thread))
    }

    /// Never blocks the chat path: when the disk falls behind, frames are dropped and counted.
    pub fn frame(&self, recv: Ts, frame: &str) -> bool {
        match self.tx.try_send(capture_line(recv, frame)) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => false,
        }
    }
}

fn write_loop(rx: Receiver<String>, mut out: BufWriter<File>) {
    let mut last_flush = Instant::now();
    loop {
        match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(line) => {
                if writeln!(out, "{line}").is_err() {
                    tracing::error!("capture file: write failed; capture stopped");
                    return;
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if last_flush.elapsed() >= Duration::from_secs(1) {
            let _ = out.flush();
            last_flush = Instant::now();
        }
    }
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::lines::{LineItem, parse_line};

    #[test]
    fn capture_lines_are_what_replay_reads() {
        let frame = "{\"event\":\"pusher:ping\",\n\"data\":\"{}\"}";
        let line = capture_line(Ts(1_790_000_000_000), frame);
        assert!(!line.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["frame"]["event"], "pusher:ping");
        assert!(matches!(parse_line(&line), Ok(LineItem::Nothing) | Err(_)));
    }

    #[test]
    fn frames_reach_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/cap.jsonl");
        let (cap, thread) = Capture::start(&path).unwrap();
        assert!(cap.frame(Ts(0), "{\"event\":\"x\",\"data\":\"{}\"}"));
        drop(cap);
        thread.join().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 1);
    }
}
