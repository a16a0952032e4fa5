//! Terminal output on its own thread. A slow SSH link blocks only that thread: the UI task
//! (and the runtime worker under it) never waits on stdout, and it skips drawing while the
//! previous frame is still being written, so nothing piles up.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

pub struct ThreadWriter {
    buf: Vec<u8>,
    tx: Option<mpsc::Sender<Vec<u8>>>,
    pending: Arc<AtomicUsize>,
    failed: Arc<AtomicBool>,
    done: mpsc::Receiver<()>,
}

/// Whether frames are still on their way to the terminal.
#[derive(Clone)]
pub struct Busy(Arc<AtomicUsize>);

impl Busy {
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Acquire) > 0
    }
}

impl ThreadWriter {
    /// Writes to stdout.
    pub fn spawn() -> io::Result<ThreadWriter> {
        ThreadWriter::spawn_to(io::stdout())
    }

    /// Writes to `out` (tests give it a sink that stalls).
    pub fn spawn_to<W: Write + Send + 'static>(out: W) -> io::Result<ThreadWriter> {
        let (tx, rx) = mpsc::channel::<Vec<u8>>();
        let (done_tx, done) = mpsc::channel();
        let pending = Arc::new(AtomicUsize::new(0));
        let failed = Arc::new(AtomicBool::new(false));
        let (p, f) = (pending.clone(), failed.clone());
        std::thread::Builder::new()
            .name("kicktui-term-out".into())
            .spawn(move || {
                let mut out = out;
                for chunk in rx {
                    if !f.load(Ordering::Relaxed)
                        && (out.write_all(&chunk).is_err() || out.flush().is_err())
                    {
                        f.store(true, Ordering::Relaxed);
                    }
                    p.fetch_sub(1, Ordering::Release);
                }
                let _ = done_tx.send(());
            })?;
        Ok(ThreadWriter {
            buf: Vec::with_capacity(16 * 1024),
            tx: Some(tx),
            pending,
            failed,
            done,
        })
    }

    pub fn busy(&self) -> Busy {
        Busy(self.pending.clone())
    }
}

impl Write for ThreadWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.failed.load(Ordering::Relaxed) {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the terminal stopped accepting output",
            ));
        }
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::take(&mut self.buf);
        self.pending.fetch_add(1, Ordering::Release);
        let sent = self.tx.as_ref().is_some_and(|tx| tx.send(chunk).is_ok());
        if !sent {
            self.pending.fetch_sub(1, Ordering::Release);
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the terminal writer has stopped",
            ));
        }
        Ok(())
    }
}

impl Drop for ThreadWriter {
    /// Lets the last frame out (for a second at most) before the terminal is restored.
    fn drop(&mut self) {
        let _ = self.flush();
        self.tx = None;
        let _ = self.done.recv_timeout(Duration::from_secs(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A terminal that takes nothing until `gate` lets it.
    struct Stalled {
        gate: Arc<Mutex<()>>,
        got: Arc<Mutex<Vec<u8>>>,
    }

    impl Write for Stalled {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            let _open = self.gate.lock().map_err(|_| io::ErrorKind::Other)?;
            self.got
                .lock()
                .map_err(|_| io::ErrorKind::Other)?
                .extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_stalled_terminal_never_blocks_the_caller() {
        let gate = Arc::new(Mutex::new(()));
        let got = Arc::new(Mutex::new(Vec::new()));
        let closed = gate.lock().unwrap();
        let sink = Stalled {
            gate: gate.clone(),
            got: got.clone(),
        };
        let mut w = ThreadWriter::spawn_to(sink).unwrap();
        let busy = w.busy();
        w.write_all(b"frame one").unwrap();
        // Returns although the terminal takes nothing (a blocking flush would hang here).
        w.flush().unwrap();
        assert!(busy.get(), "the frame is still on its way");
        drop(closed);
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while busy.get() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(!busy.get());
        drop(w);
        assert_eq!(got.lock().unwrap().as_slice(), b"frame one");
    }
}
