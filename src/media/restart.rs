//! The recorder under [`spawn_supervised`]: if its task panics, the panic is logged, the
//! status says so (the engine tells the front ends), and a fresh supervisor goes on from the
//! last published status with backoff: the part being written ends, the next part follows.
//! Chat, moments and the database never notice. A recorder that returns has stopped on
//! purpose (asked to, offline, a missing program) and is not restarted.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::recorder::{LiveCheck, LogTail, RecState, RecorderConfig, RecordingStatus, SessionInfo};
use super::supervise::Supervisor;
use crate::store::StoreHandle;
use crate::supervise::{Ended, Restart, spawn_supervised};

/// What every run of the recorder shares; the status watch outlives a crashed run.
#[derive(Clone)]
pub(super) struct Shared {
    pub cfg: RecorderConfig,
    pub session: SessionInfo,
    pub store: Option<StoreHandle>,
    pub is_live: LiveCheck,
    pub status_tx: Arc<watch::Sender<RecordingStatus>>,
    pub stop_rx: watch::Receiver<bool>,
    pub log: LogTail,
}

/// Starts the supervised recorder; the handle ends once a run has returned (stopped).
pub(super) fn spawn(shared: Shared) -> JoinHandle<()> {
    let done = CancellationToken::new();
    let restart = Restart {
        first: Duration::from_secs(1),
        max: shared.cfg.max_backoff.max(Duration::from_secs(1)),
        healthy_after: Duration::from_secs(60),
    };
    let status_tx = shared.status_tx.clone();
    let run_done = done.clone();
    let make = move || {
        let sup = Supervisor::new(&shared);
        let done = run_done.clone();
        async move {
            sup.run().await;
            done.cancel();
        }
    };
    let on_restart = move |ended: &Ended, delay: Duration| {
        let why = match ended {
            Ended::Panicked(why) => format!("crashed ({why})"),
            Ended::Returned => "stopped".into(),
        };
        let label = format!("{why}; restarting in {} s", delay.as_secs().max(1));
        status_tx.send_modify(|s| s.state = RecState::Crashed(label));
    };
    spawn_supervised("recorder", done, restart, make, on_restart)
}
