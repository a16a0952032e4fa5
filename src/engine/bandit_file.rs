//! `<data dir>/bandit_state.json`: every channel's bandit, `{channel: {arm: {alpha, beta,
//! pulls}}}`. Written after every update, atomically (a temp file in the same directory,
//! fsync, rename, fsync of the directory), so a crash or `kill -9` leaves either the old
//! file or the new one. A missing file is a fresh bandit; a file that cannot be read as one
//! is reported and renamed aside (`.corrupt-<time>`), never overwritten. Two runs on other
//! channels share the file: each save reads it, changes its channel and writes it back holding
//! an `flock` on `bandit_state.json.lock`, so neither writes over the other's update.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::domain::Ts;
use crate::engage::{ArmState, ThompsonBandit};

pub const FILE_NAME: &str = "bandit_state.json";

type AllChannels = BTreeMap<String, BTreeMap<String, ArmState>>;

pub fn path_in(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

/// What loading found.
#[derive(Debug)]
pub struct Loaded {
    pub bandit: ThompsonBandit,
    /// For the log: where the state came from, or what went wrong.
    pub note: String,
    /// False when a bad file could not be moved aside: then nothing may be saved over it.
    pub can_save: bool,
}

/// The channel's bandit, and the saved arms with pulls that `arms` no longer names (kept in
/// the file, unused).
fn parse(
    text: &str,
    channel: &str,
    arms: &[String],
) -> Result<(ThompsonBandit, Vec<String>), String> {
    let all: AllChannels = serde_json::from_str(text).map_err(|e| e.to_string())?;
    match all.get(channel) {
        Some(saved) => {
            let unused = saved
                .iter()
                .filter(|(name, st)| st.pulls > 0 && !arms.contains(name))
                .map(|(name, _)| name.clone())
                .collect();
            Ok((ThompsonBandit::from_saved(arms, saved)?, unused))
        }
        None => Ok((ThompsonBandit::new(arms), Vec::new())),
    }
}

/// Renames a bad file to `<file>.corrupt-<time>`; returns the new path.
fn move_aside(path: &Path, now: Ts) -> std::io::Result<PathBuf> {
    let stamp = now.to_datetime().format("%Y%m%dT%H%M%S");
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".corrupt-{stamp}"));
    let aside = PathBuf::from(aside);
    fs::rename(path, &aside)?;
    Ok(aside)
}

/// Loads `channel`'s bandit over `arms`.
pub fn load(path: &Path, channel: &str, arms: &[String], now: Ts) -> Loaded {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Loaded {
                bandit: ThompsonBandit::new(arms),
                note: format!(
                    "bandit: no saved state yet ({} will be created)",
                    path.display()
                ),
                can_save: true,
            };
        }
        Err(e) => {
            return Loaded {
                bandit: ThompsonBandit::new(arms),
                note: format!(
                    "bandit: cannot read {} ({e}); learning from scratch and NOT saving over it",
                    path.display()
                ),
                can_save: false,
            };
        }
    };
    match parse(&text, channel, arms) {
        Ok((bandit, unused)) => {
            let pulls = bandit.total_pulls();
            // Renamed or removed arms keep their history in the file; say it is not used.
            let unused = if unused.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} learned before but not in [bandit] arms now: kept in the file, unused",
                    unused.join(", ")
                )
            };
            Loaded {
                bandit,
                note: format!(
                    "bandit: loaded {channel}'s state from {} ({pulls} segments learned so \
                     far{unused})",
                    path.display()
                ),
                can_save: true,
            }
        }
        Err(why) => {
            let (note, can_save) = match move_aside(path, now) {
                Ok(aside) => (
                    format!(
                        "bandit: {} is not valid bandit state ({why}); moved it to {} and \
                         started fresh",
                        path.display(),
                        aside.display()
                    ),
                    true,
                ),
                Err(e) => (
                    format!(
                        "bandit: {} is not valid bandit state ({why}) and cannot be moved \
                         aside ({e}); learning from scratch and NOT saving over it",
                        path.display()
                    ),
                    false,
                ),
            };
            Loaded {
                bandit: ThompsonBandit::new(arms),
                note,
                can_save,
            }
        }
    }
}

/// Writes `channel`'s bandit into the file, keeping every other channel's entry (and arms no
/// longer configured). A file that became unreadable meanwhile is moved aside first.
pub fn save(path: &Path, channel: &str, bandit: &ThompsonBandit, now: Ts) -> Result<(), String> {
    // Held until the new file is in place; released when dropped (or the process ends).
    let _lock = lock(path);
    let mut all: AllChannels = match fs::read_to_string(path) {
        Ok(text) => match serde_json::from_str(&text) {
            Ok(all) => all,
            Err(e) => {
                let aside = move_aside(path, now).map_err(|m| {
                    format!(
                        "{} is corrupt ({e}) and cannot be moved aside: {m}",
                        path.display()
                    )
                })?;
                tracing::warn!(
                    "bandit: {} was corrupt ({e}); moved to {}",
                    path.display(),
                    aside.display()
                );
                AllChannels::new()
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => AllChannels::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let entry = all.entry(channel.to_string()).or_default();
    entry.extend(bandit.to_saved());
    let text = serde_json::to_string_pretty(&all).map_err(|e| e.to_string())?;
    write_atomic(path, text.as_bytes()).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Waits for the other runs' saves (a read, a change, a write: a few milliseconds), for a
/// second or two at most: a stopped peer must not hold up the engine. Without a lock (one
/// the file system cannot take, a peer that never lets go) the save goes ahead, as it did
/// before there was one.
fn lock(path: &Path) -> Option<nix::fcntl::Flock<File>> {
    use nix::errno::Errno;
    use nix::fcntl::{Flock, FlockArg};
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    let lock_path = PathBuf::from(name);
    let opened = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path);
    let mut file = match opened {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(
                "bandit: saving without a lock ({}: {e})",
                lock_path.display()
            );
            return None;
        }
    };
    for _ in 0..LOCK_TRIES {
        match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(held) => return Some(held),
            Err((f, Errno::EWOULDBLOCK)) => {
                file = f;
                std::thread::sleep(LOCK_WAIT);
            }
            Err((_, e)) => {
                tracing::warn!(
                    "bandit: saving without a lock ({}: {e})",
                    lock_path.display()
                );
                return None;
            }
        }
    }
    tracing::warn!(
        "bandit: saving without a lock ({} is held by another run for too long)",
        lock_path.display()
    );
    None
}

/// 100 looks 20 ms apart: two seconds.
const LOCK_TRIES: u32 = 100;
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_millis(20);

/// Temp file in the same directory, fsync, rename over `path`, fsync the directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp-{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let written = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written?;
    // The rename itself is durable once the directory is synced.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arms() -> Vec<String> {
        ["talk", "react"].map(String::from).to_vec()
    }

    #[test]
    fn missing_is_fresh_and_saving_keeps_other_channels() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path());
        let l = load(&path, "nova", &arms(), Ts(0));
        assert!(l.can_save && l.bandit.total_pulls() == 0, "{}", l.note);
        fs::write(
            &path,
            r#"{"other": {"talk": {"alpha": 3.0, "beta": 1.0, "pulls": 2}}}"#,
        )
        .unwrap();
        let mut b = l.bandit;
        b.update("react", 0.75);
        save(&path, "nova", &b, Ts(0)).unwrap();
        let all: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(all["other"]["talk"]["pulls"], 2);
        assert_eq!(all["nova"]["react"]["alpha"], 1.75);
        assert_eq!(all["nova"]["react"]["pulls"], 1);
        let again = load(&path, "nova", &arms(), Ts(0));
        assert_eq!(again.bandit, b);
        // No temp file is left behind (the lock's file stays, empty).
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["bandit_state.json", "bandit_state.json.lock"]);
    }

    /// Two runs on other channels save at the same moments: each keeps the other's updates
    /// (read, change, write was not one step: the later write put back the other's old state).
    #[test]
    fn saves_of_two_channels_at_once_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path());
        std::thread::scope(|s| {
            for channel in ["nova", "kick:chana"] {
                let path = &path;
                s.spawn(move || {
                    let mut b = load(path, channel, &arms(), Ts(0)).bandit;
                    for _ in 0..40 {
                        b.update("talk", 0.5);
                        save(path, channel, &b, Ts(0)).unwrap();
                    }
                });
            }
        });
        let all: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(all["nova"]["talk"]["pulls"], 40, "{all}");
        assert_eq!(all["kick:chana"]["talk"]["pulls"], 40, "{all}");
    }

    /// Arms renamed in the config keep their history in the file, and the load says they
    /// are not used.
    #[test]
    fn arms_no_longer_configured_are_named_at_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path());
        fs::write(
            &path,
            r#"{"nova": {"talk": {"alpha": 2.0, "beta": 1.0, "pulls": 1},
                "irl": {"alpha": 1.5, "beta": 2.5, "pulls": 3},
                "q_and_a": {"alpha": 1.0, "beta": 1.0, "pulls": 0}}}"#,
        )
        .unwrap();
        let l = load(&path, "nova", &arms(), Ts(0));
        assert!(
            l.note
                .contains("; irl learned before but not in [bandit] arms now"),
            "{}",
            l.note
        );
    }

    #[test]
    fn a_corrupt_file_is_reported_and_moved_aside_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path());
        fs::write(&path, "{\"nova\": {\"talk\": {\"alpha\": 1.0,").unwrap();
        let l = load(&path, "nova", &arms(), Ts(1_700_000_000_000));
        assert!(l.note.contains("not valid"), "{}", l.note);
        assert!(l.can_save);
        let aside = dir.path().join("bandit_state.json.corrupt-20231114T221320");
        assert_eq!(
            fs::read_to_string(&aside).unwrap(),
            "{\"nova\": {\"talk\": {\"alpha\": 1.0,"
        );
        assert!(!path.exists());
        // Valid JSON with an impossible value is corrupt too.
        fs::write(
            &path,
            r#"{"nova": {"talk": {"alpha": -2.0, "beta": 1.0, "pulls": 0}}}"#,
        )
        .unwrap();
        let l = load(&path, "nova", &arms(), Ts(1_700_000_001_000));
        assert!(l.note.contains("talk"), "{}", l.note);
        assert!(!path.exists());
    }
}
