//! Whether the stream is live, from two voices that disagree at times: the chat socket (at
//! once, but it can miss a frame) and the API's polled answers (late, cached, sometimes
//! briefly wrong). Pure: time is an argument; the engine carries out the verdict.

use std::time::Duration;

use crate::domain::Ts;
use crate::kickapi::LiveStatus;

/// An API "offline" while live ends the stream once the API has said so for this long (it is
/// asked again then)…
const OFFLINE_CONFIRM: Duration = Duration::from_secs(15);
/// …or for this long when the API never said live since the chat socket did (the API lags;
/// a lost "stream ended" frame must not keep a stream live for ever).
const OFFLINE_BEHIND_SOCKET: Duration = Duration::from_secs(120);
/// The chat socket's word overrides a first API answer only if it is this fresh.
const SOCKET_WORD_FRESH_MS: i64 = 60_000;

#[derive(Debug, Default)]
pub(super) struct LiveState {
    /// The API's last answer, so only its changes count (chat may know sooner).
    api_live: Option<bool>,
    /// What the chat socket last said, and when.
    socket_live: Option<(bool, Ts)>,
    /// While live: since when the API has said offline, and how long it must go on saying
    /// so before the stream ends.
    offline_since: Option<(Ts, Duration)>,
}

/// What to do with one API answer.
#[derive(Debug)]
pub(super) struct Verdict {
    /// The status to act on (an unconfirmed "offline" reads as live).
    pub status: LiveStatus,
    /// The API's first answer this run.
    pub first: bool,
    /// Live and offline are acted on only then: the API's answer changed, or its "offline"
    /// is confirmed.
    pub act: bool,
    /// Passed to the recorder: an "offline" not confirmed yet is not (the recorder asking
    /// "still live?" waits for the answer that confirms it).
    pub to_recorder: bool,
    /// Ask the API again after this long.
    pub ask_again_in: Option<Duration>,
}

impl LiveState {
    /// The chat socket said live or offline: newer than any "offline" the API was saying.
    pub fn socket_said(&mut self, live: bool, at: Ts) {
        self.socket_live = Some((live, at));
        self.offline_since = None;
    }

    /// An API answer at `now`; `live` is whether the engine has the stream live.
    pub fn answer(&mut self, now: Ts, s: LiveStatus, live: bool) -> Verdict {
        let first = self.api_live.is_none();
        let changed = self.api_live.replace(s.is_live) != Some(s.is_live);
        let s = self.socket_over_first_answer(now, s, first);
        let said_live = s.is_live;
        let (status, ends, ask_again_in) = self.confirm_offline(now, s, changed, live);
        Verdict {
            status,
            first,
            act: changed || ends,
            to_recorder: said_live || !live || ends,
            ask_again_in,
        }
    }

    /// A first API answer that disagrees with a fresh word of the chat socket was most
    /// likely asked for before the socket spoke (a slow or cached API; it ended a stream at
    /// 0 s): the socket's word stands until the API's answer changes.
    fn socket_over_first_answer(&self, now: Ts, s: LiveStatus, first: bool) -> LiveStatus {
        match self.socket_live {
            Some((live, at))
                if first && live != s.is_live && now.0 - at.0 <= SOCKET_WORD_FRESH_MS =>
            {
                tracing::info!(
                    "the API's first answer ({}) disagrees with the chat socket: keeping the socket's",
                    if s.is_live { "live" } else { "offline" }
                );
                read_as(s, live)
            }
            _ => s,
        }
    }

    /// An API "offline" while the stream is live ends it only once the API has said so for
    /// [`OFFLINE_CONFIRM`] (asked again then): one empty answer from a flaky API split a
    /// stream into two sessions, with a second "live" alert. While the API lags behind the
    /// chat socket's "live" (it never said live since), [`OFFLINE_BEHIND_SOCKET`]. Until then
    /// the session and the alerts take the stream as live. Returns the status to act on,
    /// whether the stream ends, and when to ask again.
    fn confirm_offline(
        &mut self,
        now: Ts,
        s: LiveStatus,
        changed: bool,
        live: bool,
    ) -> (LiveStatus, bool, Option<Duration>) {
        if s.is_live || !live {
            self.offline_since = None;
            return (s, false, None);
        }
        let mut ask_again_in = None;
        match self.offline_since {
            Some((since, needed)) if now.0 - since.0 >= needed.as_millis() as i64 => {
                self.offline_since = None;
                return (s, true, None);
            }
            Some(_) => {}
            None => {
                let needed = if changed {
                    OFFLINE_CONFIRM
                } else {
                    OFFLINE_BEHIND_SOCKET
                };
                self.offline_since = Some((now, needed));
                tracing::info!(
                    "the API says offline; asking again in {} s before ending the stream",
                    needed.as_secs()
                );
                ask_again_in = Some(needed);
            }
        }
        (read_as(s, true), false, ask_again_in)
    }
}

/// `s` read as live or offline (its viewer count, from the other answer, dropped).
fn read_as(s: LiveStatus, is_live: bool) -> LiveStatus {
    LiveStatus {
        is_live,
        viewers: None,
        ..s
    }
}
