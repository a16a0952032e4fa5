//! One live run per channel and data dir. A second run would take the first one's open
//! session for a crash's leftovers, close it and report it mid-stream, and record the same
//! stream twice. The lock is an `flock` on a small file, so a killed run never leaves it held.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};

/// Held for the whole run; dropping it (or the process ending) lets the next run in.
#[derive(Debug)]
pub struct RunLock {
    _lock: Flock<File>,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another kicktui is already watching {channel} with the data dir {dir}{pid}; stop it \
         first, or give this one another --data-dir"
    )]
    Busy {
        channel: String,
        dir: String,
        pid: String,
    },
    #[error("cannot use the data dir {}: {source} (pick another with --data-dir or [general] data_dir)", dir.display())]
    Io {
        dir: PathBuf,
        source: std::io::Error,
    },
}

fn lock_path(data_dir: &Path, platform: &str, slug: &str) -> PathBuf {
    data_dir.join(format!(".{platform}-{slug}.lock"))
}

/// Takes the lock for `platform:slug` in `data_dir` (created if missing), or says who holds it.
pub fn acquire(data_dir: &Path, platform: &str, slug: &str) -> Result<RunLock, LockError> {
    let io = |source| LockError::Io {
        dir: data_dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(data_dir).map_err(io)?;
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(lock_path(data_dir, platform, slug))
        .map_err(io)?;
    match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
        Ok(mut lock) => {
            // The holder's pid, for the message a second run prints.
            let pid = std::process::id().to_string();
            let written = lock
                .set_len(0)
                .and_then(|()| lock.rewind())
                .and_then(|()| lock.write_all(pid.as_bytes()));
            if let Err(e) = written {
                tracing::debug!("lock file: pid not written: {e}");
            }
            Ok(RunLock { _lock: lock })
        }
        Err((mut file, Errno::EWOULDBLOCK)) => {
            let mut pid = String::new();
            let _ = file.read_to_string(&mut pid);
            let pid = pid.trim();
            Err(LockError::Busy {
                channel: format!("{platform}:{slug}"),
                dir: data_dir.display().to_string(),
                pid: if pid.parse::<u32>().is_ok() {
                    format!(" (pid {pid})")
                } else {
                    String::new()
                },
            })
        }
        Err((_, e)) => Err(io(std::io::Error::from(e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_run_of_the_same_channel_is_refused_until_the_first_ends() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = acquire(&data, "kick", "clavicular").unwrap();
        let again = acquire(&data, "kick", "clavicular")
            .unwrap_err()
            .to_string();
        assert!(
            again.contains("already watching kick:clavicular")
                && again.contains(&format!("(pid {})", std::process::id())),
            "{again}"
        );
        // Another channel in the same data dir is fine.
        let _other = acquire(&data, "twitch", "clavicular").unwrap();
        drop(first);
        assert!(acquire(&data, "kick", "clavicular").is_ok());
    }
}
