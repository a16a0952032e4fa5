//! `<data dir>/kicktui.log`, kept bounded while it is written: past its size limit the file
//! moves to `kicktui.log.1` (replacing the older one) and a fresh one starts, so a box that
//! runs for weeks keeps at most two files' worth of log.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub struct RotatingLog {
    path: PathBuf,
    file: File,
    written: u64,
    limit: u64,
}

impl RotatingLog {
    /// Opens `path` for appending, rotating first when it is already past `limit`.
    pub fn open(path: &Path, limit: u64) -> io::Result<RotatingLog> {
        let existing = std::fs::metadata(path).map_or(0, |m| m.len());
        let mut log = RotatingLog {
            path: path.to_path_buf(),
            file: append(path)?,
            written: existing,
            limit,
        };
        if existing > limit {
            log.rotate()?;
        }
        Ok(log)
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.file.flush()?;
        let mut old = self.path.clone().into_os_string();
        old.push(".1");
        std::fs::rename(&self.path, old)?;
        self.file = append(&self.path)?;
        self.written = 0;
        Ok(())
    }
}

fn append(path: &Path) -> io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

impl Write for RotatingLog {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // A failed rotation keeps writing where it can: a log line is never worth an error.
        if self.written > self.limit && self.rotate().is_err() {
            self.written = 0;
        }
        let n = self.file.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_its_limit_the_log_moves_aside_and_starts_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kicktui.log");
        let mut log = RotatingLog::open(&path, 1000).unwrap();
        let line = [b'x'; 99];
        for _ in 0..25 {
            log.write_all(&line).unwrap();
            log.write_all(b"\n").unwrap();
        }
        log.flush().unwrap();
        let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
        let old = dir.path().join("kicktui.log.1");
        assert!(size(&old) > 1000 && size(&old) <= 1100, "{}", size(&old));
        assert!(size(&path) <= 1100, "the new file: {}", size(&path));
        // Opened again past the limit: rotated at once.
        std::fs::write(&path, vec![b'y'; 2000]).unwrap();
        RotatingLog::open(&path, 1000).unwrap();
        assert_eq!(size(&path), 0);
        assert_eq!(size(&old), 2000);
    }
}
