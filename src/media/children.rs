//! Every child process kicktui starts (streamlink, ffmpeg, hooks), so that a shutdown or a
//! panic can kill them all: no child may outlive kicktui.
//!
//! Children run in their own process group (`process_group(0)`), so the group id equals the
//! child's pid and a signal to the group also reaches anything the child started itself.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once, OnceLock};
use std::time::Duration;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use tokio::process::{Child, Command};

static PIDS: Mutex<BTreeSet<u32>> = Mutex::new(BTreeSet::new());
static HOOK: Once = Once::new();
/// Where every child is noted for the watcher (see [`note_children_in`]).
static NOTES: OnceLock<PathBuf> = OnceLock::new();

fn pids() -> MutexGuard<'static, BTreeSet<u32>> {
    // A panic while holding the lock must not stop the panic hook from killing children.
    PIDS.lock().unwrap_or_else(|e| e.into_inner())
}

/// For the commands that cut and exit (`kicktui clip`): from now on every child is also noted
/// in `dir` (`.children`), so the watcher stops it when kicktui is killed with SIGKILL, which
/// runs no handler (its ffmpeg ran on). The first call's folder stands.
pub fn note_children_in(dir: &Path) {
    let _ = std::fs::create_dir_all(dir);
    let _ = NOTES.set(dir.to_path_buf());
}

/// Remembers a child's pid (= its process group id).
pub fn register(pid: u32) {
    pids().insert(pid);
    if let Some(dir) = NOTES.get() {
        super::orphans::note(dir, pid);
    }
}

pub fn unregister(pid: u32) {
    if pids().remove(&pid)
        && let Some(dir) = NOTES.get()
    {
        super::orphans::forget(dir, pid);
    }
}

/// The pids of the children still registered.
pub fn live() -> Vec<u32> {
    pids().iter().copied().collect()
}

/// Sends `sig` to the process group of `pid`. Errors (already gone) are ignored.
pub fn signal_group(pid: u32, sig: Signal) {
    if let Ok(p) = i32::try_from(pid) {
        let _ = killpg(Pid::from_raw(p), sig);
    }
}

/// SIGKILLs every registered child's process group. For the panic hook and a last-resort exit.
pub fn kill_all() {
    let all: Vec<u32> = std::mem::take(&mut *pids()).into_iter().collect();
    for pid in all {
        signal_group(pid, Signal::SIGKILL);
    }
}

/// For the commands that run children and then exit (`kicktui clip`, whose ffmpeg and
/// `on_ready` hook are in process groups of their own, out of the terminal's Ctrl-C): a stop
/// signal kills them first, then ends the process as the signal would have. Else the hook
/// outlived kicktui (Ctrl-C, `timeout`, a cron job killed). Never returns when no handler
/// can be installed (the default action then stands).
pub async fn kill_children_on_stop() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut int), Ok(mut term), Ok(mut hup)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
    ) else {
        return std::future::pending().await;
    };
    let code = tokio::select! {
        _ = int.recv() => 130,
        _ = term.recv() => 143,
        _ = hup.recv() => 129,
    };
    kill_all();
    eprintln!("stopped: what was running (ffmpeg, the on_ready hook) was stopped too");
    std::process::exit(code);
}

/// Makes a panic anywhere kill every registered child first, then run the previous hook.
/// Idempotent.
pub fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // A supervised task's panic is caught and the task restarted: the recording goes on.
            if let Some(task) = crate::supervise::supervised_task() {
                tracing::error!("panic in {task}: {info}");
                return;
            }
            kill_all();
            previous(info);
        }));
    });
}

/// What is kept of a command's stdout and of its stderr: a hook printing hundreds of MB
/// made kicktui hold them all.
const OUTPUT_CAP: usize = 1 << 20;
/// How long a command's pipes are read after it exits.
const PIPES_AFTER_EXIT: Duration = Duration::from_millis(500);
/// The most of a failed command's last line that its failure message quotes.
const LAST_WORDS_CHARS: usize = 200;

/// Reads `r` to its end, keeping the first `OUTPUT_CAP` bytes.
async fn read_capped(r: Option<&mut (impl tokio::io::AsyncRead + Unpin)>, kept: &mut Vec<u8>) {
    use tokio::io::AsyncReadExt;
    let Some(r) = r else { return };
    let mut buf = vec![0u8; 64 * 1024];
    while let Ok(n) = r.read(&mut buf).await {
        if n == 0 {
            break;
        }
        let room = OUTPUT_CAP.saturating_sub(kept.len());
        kept.extend_from_slice(&buf[..n.min(room)]);
    }
}

/// What a finished command said.
#[derive(Clone, Debug)]
pub struct Output {
    /// `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// How a failed run ended, with its last words when it said any: `exit code 3: no
    /// token`, `killed by a signal`.
    pub fn failure(&self) -> String {
        let how = self.code.map_or("killed by a signal".to_string(), |c| {
            format!("exit code {c}")
        });
        match self.stderr.lines().rfind(|l| !l.trim().is_empty()) {
            Some(said) => format!(
                "{how}: {}",
                crate::text_fit::cut_chars(said, LAST_WORDS_CHARS)
            ),
            None => how,
        }
    }

    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

/// A child that is registered while it lives and killed (group-wide) when dropped.
pub struct Tracked {
    pub child: Child,
    pub pid: u32,
}

impl Tracked {
    /// Spawns `cmd` in its own process group with stdin null and registers it.
    pub fn spawn(cmd: &mut Command) -> std::io::Result<Tracked> {
        cmd.process_group(0)
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        let child = cmd.spawn()?;
        let pid = child.id().unwrap_or(0);
        if pid != 0 {
            register(pid);
        }
        Ok(Tracked { child, pid })
    }

    /// SIGTERM to the group, then SIGKILL after `grace`; returns the exit code if there was one.
    pub async fn terminate(&mut self, grace: Duration) -> Option<i32> {
        if let Ok(Some(st)) = self.child.try_wait() {
            self.forget();
            return st.code();
        }
        signal_group(self.pid, Signal::SIGTERM);
        let code = match tokio::time::timeout(grace, self.child.wait()).await {
            Ok(Ok(st)) => st.code(),
            _ => {
                signal_group(self.pid, Signal::SIGKILL);
                self.child.wait().await.ok().and_then(|s| s.code())
            }
        };
        self.forget();
        code
    }

    /// Waits for a normal exit.
    pub async fn wait(&mut self) -> Option<i32> {
        let code = self.child.wait().await.ok().and_then(|s| s.code());
        self.forget();
        code
    }

    /// Runs a short-lived command (ffmpeg, ffprobe, a hook) to the end, collecting its output
    /// (the first `OUTPUT_CAP` bytes of each stream; the rest is read and dropped); still
    /// tracked meanwhile, so a shutdown can kill it. It has ended when it exits: a job it left
    /// running in the background may keep its pipes open, and is not waited for.
    pub async fn output(cmd: &mut Command) -> std::io::Result<Output> {
        cmd.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut t = Tracked::spawn(cmd)?;
        let mut out = t.child.stdout.take();
        let mut err = t.child.stderr.take();
        let (mut o, mut e) = (Vec::new(), Vec::new());
        let (code, read_all) = {
            let reading = async {
                tokio::join!(
                    read_capped(out.as_mut(), &mut o),
                    read_capped(err.as_mut(), &mut e)
                );
            };
            tokio::pin!(reading);
            tokio::select! {
                () = &mut reading => (t.child.wait().await, true),
                code = t.child.wait() => {
                    // Its last words are in the pipes already; a background job's are not
                    // ours to wait for.
                    let done = tokio::time::timeout(PIPES_AFTER_EXIT, &mut reading).await;
                    (code, done.is_ok())
                }
            }
        };
        if !read_all {
            // A job it left running still writes to them: read on and drop it (closed, the
            // pipes would end the job with SIGPIPE at its next line).
            tokio::spawn(async move {
                let (mut kept_out, mut kept_err) = (Vec::new(), Vec::new());
                tokio::join!(
                    read_capped(out.as_mut(), &mut kept_out),
                    read_capped(err.as_mut(), &mut kept_err)
                );
            });
        }
        let code = code.ok().and_then(|s| s.code());
        t.forget();
        Ok(Output {
            code,
            stdout: String::from_utf8_lossy(&o).into_owned(),
            stderr: String::from_utf8_lossy(&e).into_owned(),
        })
    }

    fn forget(&mut self) {
        if self.pid != 0 {
            unregister(self.pid);
        }
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        if self.pid != 0 && pids().contains(&self.pid) {
            // Still registered: not reaped yet, so the group may still be running.
            signal_group(self.pid, Signal::SIGKILL);
            unregister(self.pid);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn terminate_stops_a_child_and_unregisters_it() {
        let mut t = Tracked::spawn(Command::new("sleep").arg("30")).unwrap();
        assert!(live().contains(&t.pid));
        let code = t.terminate(Duration::from_secs(2)).await;
        assert_eq!(code, None, "killed by a signal, no exit code");
        assert!(!live().contains(&t.pid));
    }

    #[tokio::test]
    async fn dropping_kills_the_group() {
        let t = Tracked::spawn(Command::new("sleep").arg("30")).unwrap();
        let pid = t.pid;
        drop(t);
        // The group is gone (or a zombie until tokio reaps it): a signal finds no live process.
        let deadline = std::time::Instant::now() + Duration::from_secs(3);
        loop {
            let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            if state.is_empty() || state.contains(") Z") {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "child {pid} still runs"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    #[test]
    fn a_failure_says_how_and_its_last_words_when_there_are_any() {
        let out = |code, stderr: &str| Output {
            code,
            stdout: String::new(),
            stderr: stderr.into(),
        };
        assert_eq!(out(Some(3), "").failure(), "exit code 3", "no empty ': '");
        assert_eq!(
            out(Some(2), "warn\nno token\n\n").failure(),
            "exit code 2: no token"
        );
        assert_eq!(out(None, "").failure(), "killed by a signal");
        // A line of megabytes is not a log line.
        let long = out(Some(1), &"x".repeat(5000)).failure();
        assert_eq!(long.chars().count(), "exit code 1: ".len() + 200 + 1);
    }

    /// A hook that prints hundreds of MB: the first MiB of each stream is kept.
    #[tokio::test]
    async fn a_loud_command_is_read_to_its_end_keeping_a_mebibyte() {
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            "head -c 5000000 /dev/zero; head -c 3000000 /dev/zero >&2; exit 3",
        ]);
        let out = Tracked::output(&mut cmd).await.unwrap();
        assert_eq!(out.code, Some(3));
        assert_eq!(
            (out.stdout.len(), out.stderr.len()),
            (OUTPUT_CAP, OUTPUT_CAP)
        );
    }

    /// `upload "$1" &`: the hook has done its part when it exits, though the job it left
    /// running holds its pipes open; the job is not killed.
    #[tokio::test]
    async fn a_command_that_leaves_a_background_job_ends_when_it_exits() {
        let dir = tempfile::tempdir().unwrap();
        let done = dir.path().join("done");
        // The job writes after the hook is done: its pipes must still be read.
        let script = format!(
            "(sleep 1; echo progress; echo more >&2; sleep 1; touch '{}') & echo started; exit 0",
            done.display()
        );
        let started = std::time::Instant::now();
        let out = Tracked::output(Command::new("sh").args(["-c", &script]))
            .await
            .unwrap();
        assert!(out.success() && out.stdout.contains("started"), "{out:?}");
        // Its 500 ms for the last words, not the job's 2 s.
        let took = started.elapsed();
        assert!(took < Duration::from_millis(1900), "{took:?}");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !done.exists() {
            assert!(std::time::Instant::now() < deadline, "the job was killed");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
