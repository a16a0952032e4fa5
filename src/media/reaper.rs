//! `kicktui reap-children`: a small watcher kicktui starts (in its own process group) when
//! it first starts a streamlink. It waits until kicktui is gone — its parent changes — and
//! then stops any streamlink that kicktui noted in `<recordings>/.children`. So even a
//! SIGKILLed kicktui leaves no streamlink behind, without `unsafe` (PR_SET_PDEATHSIG would
//! need `pre_exec`). After a normal exit there is nothing left to stop and it just ends.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use super::orphans;

static STARTED: OnceLock<()> = OnceLock::new();
static THE_BINARY: OnceLock<()> = OnceLock::new();

/// Called by kicktui's `main`: this process is the binary that knows `reap-children`, whatever
/// its file is called (library tests start recorders from test binaries, which must not be
/// re-executed).
pub fn this_process_can_reap() {
    let _ = THE_BINARY.set(());
}

/// Starts the watcher once per process, in the kicktui binary only.
pub fn ensure_started(recordings_dir: &Path) {
    if THE_BINARY.get().is_none() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        tracing::warn!(
            "cannot find kicktui's own file: a killed kicktui would leave streamlink running until the next start"
        );
        return;
    };
    STARTED.get_or_init(|| {
        let spawned = Command::new(exe)
            .arg("reap-children")
            .arg("--parent")
            .arg(std::process::id().to_string())
            .arg("--dir")
            .arg(recordings_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Terminal signals to kicktui's group (Ctrl-C, hangup) must not reach it.
            .process_group(0)
            .spawn();
        if let Err(e) = spawned {
            tracing::warn!("cannot start the streamlink watcher ({e}): a killed kicktui would leave streamlink running until the next start");
        }
    });
}

/// The watcher's main loop.
pub fn run(parent: u32, recordings_dir: &Path) -> ExitCode {
    while nix::unistd::getppid().as_raw() as u32 == parent {
        std::thread::sleep(Duration::from_millis(250));
    }
    orphans::reap_and_wait(recordings_dir);
    ExitCode::SUCCESS
}
