//! When a batch cannot be committed for a reason that may pass (disk full, an I/O error, the
//! file locked by another program, a read-only mount), the writer tries the same batch again
//! instead of dropping its rows, and says so: once when writes start failing, once when they
//! work again, and loudly for any rows it finally gives up on.

use std::time::Duration;

use rusqlite::ErrorCode;

use super::StoreError;

/// A healthy writer retries a failing batch this long before giving up on it.
pub(super) const RETRY_FOR: Duration = Duration::from_secs(30);
/// During an outage that already cost rows, later batches get this long, so the engine
/// (which waits for moment commits) is never held up for long again.
pub(super) const RETRY_FOR_IN_OUTAGE: Duration = Duration::from_secs(2);
const FIRST_DELAY: Duration = Duration::from_millis(250);
const MAX_DELAY: Duration = Duration::from_secs(4);

/// Whether trying the same write again later can succeed.
pub(super) fn may_pass(e: &StoreError) -> bool {
    match e {
        StoreError::Sql(e) => sql_may_pass(e),
        _ => false,
    }
}

pub(super) fn sql_may_pass(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(
            ErrorCode::DiskFull
                | ErrorCode::SystemIoFailure
                | ErrorCode::DatabaseBusy
                | ErrorCode::DatabaseLocked
                | ErrorCode::ReadOnly
                | ErrorCode::CannotOpen
        )
    )
}

/// The writer's memory of an outage.
#[derive(Debug, Default)]
pub(super) struct Outage {
    /// Failed attempts since writes last worked.
    attempts: u32,
    /// Rows given up on during this outage.
    lost: u64,
    /// kicktui is stopping: what the outage already cost is not waited for again (quitting
    /// on a full disk waited 4 s for each of 19 queued writes, and saved none).
    pub(super) stopping: bool,
}

impl Outage {
    /// A batch of `rows` failed with `error` after `elapsed` of trying: how long to wait
    /// before the next attempt, or `None` to give up on it (said loudly).
    pub(super) fn failed(
        &mut self,
        error: &str,
        rows: usize,
        elapsed: Duration,
    ) -> Option<Duration> {
        if self.attempts == 0 {
            tracing::error!(
                "database writes are failing ({error}); retrying, nothing is dropped meanwhile"
            );
        }
        self.attempts += 1;
        let budget = match (self.lost > 0, self.stopping) {
            (true, true) => Duration::ZERO,
            (true, false) | (false, true) => RETRY_FOR_IN_OUTAGE,
            (false, false) => RETRY_FOR,
        };
        if elapsed < budget {
            let shift = (self.attempts - 1).min(8);
            // The last try at the budget's end, not a whole delay past it.
            let delay = (FIRST_DELAY * (1u32 << shift))
                .min(MAX_DELAY)
                .min(budget - elapsed);
            return Some(delay);
        }
        self.lost += rows as u64;
        tracing::error!(
            "database: {rows} writes NOT saved after retrying for {} s: {error}",
            elapsed.as_secs()
        );
        None
    }

    /// A batch committed: if writes were failing, say they work again.
    pub(super) fn committed(&mut self) {
        if self.attempts > 0 {
            tracing::warn!(
                "database writes work again after {} failed attempts ({} writes lost)",
                self.attempts,
                self.lost
            );
        }
        *self = Outage {
            stopping: self.stopping,
            ..Outage::default()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_with_growing_delays_then_gives_up_and_is_quicker_during_the_outage() {
        let mut o = Outage::default();
        let s = Duration::from_secs;
        assert_eq!(
            o.failed("disk full", 3, s(0)),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            o.failed("disk full", 3, s(1)),
            Some(Duration::from_millis(500))
        );
        assert_eq!(o.failed("disk full", 3, s(2)), Some(s(1)));
        assert_eq!(
            o.failed("disk full", 3, s(29)),
            Some(s(1)),
            "up to the budget's end"
        );
        assert_eq!(
            o.failed("disk full", 3, s(30)),
            None,
            "gave up on the batch"
        );
        assert_eq!(o.lost, 3);
        assert!(o.failed("disk full", 1, s(1)).is_some());
        assert_eq!(o.failed("disk full", 1, s(2)), None, "short budget now");
        // Stopping during the outage: no more waiting for it.
        o.stopping = true;
        assert_eq!(o.failed("disk full", 1, s(0)), None);
        o.committed();
        o.stopping = false;
        assert_eq!((o.attempts, o.lost), (0, 0));
        assert_eq!(
            o.failed("locked", 1, s(5)),
            Some(Duration::from_millis(250))
        );
    }

    #[test]
    fn only_errors_that_can_pass_are_retried() {
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        );
        let constraint = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT),
            None,
        );
        assert!(sql_may_pass(&busy) && sql_may_pass(&full));
        assert!(!sql_may_pass(&constraint));
        assert!(!may_pass(&StoreError::Write("x".into())));
    }
}
