//! One live run per channel and data dir. A second run would take the first one's open
//! session for a crash's leftovers, close it and report it mid-stream, and record the same
//! stream twice; `clip --pending` takes the same lock while it repairs and cuts a channel's
//! clips. The lock is an `flock` on a small file, so a killed process never leaves it held.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};

/// Held for the whole run; dropping it (or the process ending) lets the next one in.
#[derive(Debug)]
pub struct RunLock {
    _lock: Flock<File>,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another kicktui{pid} is {role} {channel} with the data dir {dir}; wait for it or stop \
         it first, or give this one another --data-dir"
    )]
    Busy {
        channel: String,
        dir: String,
        /// `watching`, `cutting the pending clips of`.
        role: &'static str,
        /// ` (pid 123)`, or empty when the lock file does not say.
        pid: String,
    },
    #[error("cannot use the data dir {}: {source} (pick another with --data-dir or [general] data_dir)", dir.display())]
    Io {
        dir: PathBuf,
        source: std::io::Error,
    },
}

/// What the holder is doing, for the message another process prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Watching,
    CuttingClips,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Watching => "watching",
            Role::CuttingClips => "cutting the pending clips of",
        }
    }

    fn parse(s: &str) -> Role {
        if s == Role::CuttingClips.as_str() {
            Role::CuttingClips
        } else {
            Role::Watching
        }
    }
}

fn lock_path(data_dir: &Path, platform: &str, slug: &str) -> PathBuf {
    data_dir.join(format!(".{platform}-{slug}.lock"))
}

/// Takes the lock for `platform:slug` in `data_dir` (created if missing), or says who holds it.
pub fn acquire(
    data_dir: &Path,
    platform: &str,
    slug: &str,
    role: Role,
) -> Result<RunLock, LockError> {
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
            // The holder's pid and role, for the message another process prints.
            let holder = format!("{} {}", std::process::id(), role.as_str());
            let written = lock
                .set_len(0)
                .and_then(|()| lock.rewind())
                .and_then(|()| lock.write_all(holder.as_bytes()));
            if let Err(e) = written {
                tracing::debug!("lock file: holder not written: {e}");
            }
            Ok(RunLock { _lock: lock })
        }
        Err((mut file, Errno::EWOULDBLOCK)) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            let text = text.trim();
            let (pid, role) = text.split_once(' ').unwrap_or((text, ""));
            Err(LockError::Busy {
                channel: format!("{platform}:{slug}"),
                dir: data_dir.display().to_string(),
                role: Role::parse(role).as_str(),
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
    fn a_second_process_on_the_same_channel_is_refused_until_the_first_ends() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = acquire(&data, "kick", "clavicular", Role::Watching).unwrap();
        let again = acquire(&data, "kick", "clavicular", Role::CuttingClips)
            .unwrap_err()
            .to_string();
        let pid = std::process::id();
        assert!(
            again.contains(&format!(
                "another kicktui (pid {pid}) is watching kick:clavicular"
            )),
            "{again}"
        );
        // Another channel in the same data dir is fine.
        let other = acquire(&data, "twitch", "clavicular", Role::CuttingClips).unwrap();
        let busy = acquire(&data, "twitch", "clavicular", Role::Watching)
            .unwrap_err()
            .to_string();
        assert!(
            busy.contains(&format!(
                "(pid {pid}) is cutting the pending clips of twitch:"
            )),
            "{busy}"
        );
        drop((first, other));
        assert!(acquire(&data, "kick", "clavicular", Role::Watching).is_ok());
    }
}
