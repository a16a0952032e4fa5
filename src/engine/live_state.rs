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
/// The API still saying live this long after the chat socket said the stream ended is the
/// truth: the frame was stale or wrong (a missed "live" after it, a frame about the broadcast
/// before), and the API lags less than that. Else recording stopped for the rest of a stream.
const LIVE_AFTER_SOCKET_END: Duration = OFFLINE_BEHIND_SOCKET;
/// A confirmation this much later than asked for (the API failed meanwhile) no longer dates
/// the end at the first "offline".
const CONFIRM_SLACK: Duration = Duration::from_secs(15);
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
    /// An end this answer confirms: when the API first said offline (the stream's end, not
    /// the confirmation 15 s later), when that is known.
    pub ended_at: Option<Ts>,
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
        let back = s.is_live && !live && !changed && self.socket_end_overruled(now);
        let s = self.socket_over_first_answer(now, s, first);
        let said_live = s.is_live;
        let (status, offline) = self.confirm_offline(now, s, changed, live);
        let ends = matches!(offline, Offline::Ends { .. });
        Verdict {
            status,
            first,
            act: changed || ends || back,
            to_recorder: said_live || !live || ends,
            ask_again_in: match offline {
                Offline::AskAgainIn(wait) => Some(wait),
                _ => None,
            },
            ended_at: match offline {
                Offline::Ends { at } => at,
                _ => None,
            },
        }
    }

    /// Whether the API's unchanged "live" has outlasted the chat socket's "stream ended".
    fn socket_end_overruled(&mut self, now: Ts) -> bool {
        let Some((false, at)) = self.socket_live else {
            return false;
        };
        if now.0 - at.0 < LIVE_AFTER_SOCKET_END.as_millis() as i64 {
            return false;
        }
        tracing::info!(
            "the API has said live for {} s since the chat socket said the stream ended: it is \
             live",
            (now.0 - at.0) / 1000
        );
        self.socket_live = None;
        true
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
    /// the session and the alerts take the stream as live. Returns the status to act on and
    /// what the answer means for an "offline".
    fn confirm_offline(
        &mut self,
        now: Ts,
        s: LiveStatus,
        changed: bool,
        live: bool,
    ) -> (LiveStatus, Offline) {
        if s.is_live || !live {
            self.offline_since = None;
            return (s, Offline::Nothing);
        }
        let mut offline = Offline::Nothing;
        match self.offline_since {
            Some((since, needed)) if now.0 - since.0 >= needed.as_millis() as i64 => {
                self.offline_since = None;
                // The first "offline" is the end only when it followed the API's own "live"
                // and was confirmed soon after: an API behind the socket never said live (its
                // first "offline" is stale, not the end), and a confirmation long delayed
                // (the API in trouble meanwhile) leaves the stream's end unknown.
                let soon = now.0 - since.0 <= (needed + CONFIRM_SLACK).as_millis() as i64;
                let at = (needed == OFFLINE_CONFIRM && soon).then_some(since);
                return (s, Offline::Ends { at });
            }
            Some(_) => {}
            None => {
                let needed = if changed {
                    OFFLINE_CONFIRM
                } else {
                    OFFLINE_BEHIND_SOCKET
                };
                self.offline_since = Some((now, needed));
                let who = match s.source {
                    crate::kickapi::LiveSource::StreamProbe => "the stream probe",
                    _ => "the API",
                };
                tracing::info!(
                    "{who} says offline; asking again in {} s before ending the stream",
                    needed.as_secs()
                );
                offline = Offline::AskAgainIn(needed);
            }
        }
        (read_as(s, true), offline)
    }
}

/// What one answer means for an API "offline" while the stream is live.
enum Offline {
    /// Not one, or one still waiting for its confirmation.
    Nothing,
    /// A first "offline": ask again after this long.
    AskAgainIn(Duration),
    /// Confirmed: the stream ends (`at`, when the answers tell).
    Ends { at: Option<Ts> },
}

/// `s` read as live or offline (its viewer count, from the other answer, dropped).
fn read_as(s: LiveStatus, is_live: bool) -> LiveStatus {
    LiveStatus {
        is_live,
        viewers: None,
        ..s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn says(is_live: bool) -> LiveStatus {
        LiveStatus {
            is_live,
            ..LiveStatus::default()
        }
    }

    /// `engine_live` as the engine would have it after each verdict.
    fn answer(st: &mut LiveState, at_s: i64, is_live: bool, engine_live: bool) -> Verdict {
        st.answer(Ts(at_s * 1000), says(is_live), engine_live)
    }

    #[test]
    fn an_offline_answer_ends_the_stream_once_confirmed_dated_at_the_first_one() {
        let mut st = LiveState::default();
        assert!(answer(&mut st, 0, true, false).act);
        let first = answer(&mut st, 100, false, true);
        assert!(
            first.status.is_live && first.ended_at.is_none(),
            "{first:?}"
        );
        assert_eq!(first.ask_again_in, Some(OFFLINE_CONFIRM));
        assert!(
            !first.to_recorder,
            "an unconfirmed offline is kept from the recorder"
        );
        let early = answer(&mut st, 105, false, true);
        assert!(early.status.is_live && early.ended_at.is_none());
        let confirmed = answer(&mut st, 115, false, true);
        assert!(!confirmed.status.is_live && confirmed.act && confirmed.to_recorder);
        assert_eq!(
            confirmed.ended_at,
            Some(Ts(100_000)),
            "the end is the first offline"
        );
    }

    #[test]
    fn a_live_answer_between_offline_ones_starts_the_wait_again() {
        let mut st = LiveState::default();
        answer(&mut st, 0, true, false);
        answer(&mut st, 100, false, true);
        assert!(answer(&mut st, 105, true, true).status.is_live);
        let again = answer(&mut st, 116, false, true);
        assert!(
            again.status.is_live && again.ended_at.is_none(),
            "{again:?}"
        );
        assert_eq!(
            answer(&mut st, 131, false, true).ended_at,
            Some(Ts(116_000))
        );
    }

    #[test]
    fn an_api_behind_the_chat_socket_gets_two_minutes() {
        let mut st = LiveState::default();
        // The API says offline first; the socket says live: the engine is live.
        answer(&mut st, 0, false, false);
        st.socket_said(true, Ts(10_000));
        let lagging = answer(&mut st, 20, false, true);
        assert_eq!(lagging.ask_again_in, Some(OFFLINE_BEHIND_SOCKET));
        assert!(!answer(&mut st, 100, false, true).act);
        // It ends the stream, but its first "offline" was stale, not the stream's end.
        let ends = answer(&mut st, 140, false, true);
        assert!(ends.act && !ends.status.is_live, "{ends:?}");
        assert_eq!(ends.ended_at, None);
    }

    #[test]
    fn a_confirmation_long_delayed_does_not_date_the_end() {
        let mut st = LiveState::default();
        answer(&mut st, 0, true, false);
        answer(&mut st, 100, false, true);
        // The API failed for ten minutes; its next answer is offline.
        let late = answer(&mut st, 700, false, true);
        assert!(late.act && !late.status.is_live, "{late:?}");
        assert_eq!(late.ended_at, None);
    }

    #[test]
    fn a_stale_first_answer_does_not_overrule_a_fresh_socket_word() {
        let mut st = LiveState::default();
        st.socket_said(true, Ts(0));
        let v = answer(&mut st, 30, false, true);
        assert!(v.first && v.status.is_live, "{v:?}");
        // Long after the socket spoke, a first answer stands.
        let mut late = LiveState::default();
        late.socket_said(true, Ts(0));
        let v = answer(&mut late, 90, false, false);
        assert!(!v.status.is_live, "{v:?}");
    }

    /// A "stream ended" frame while the API goes on saying live (a stale frame, or the "live"
    /// after it missed in a reconnect): live again once the API has outlasted its lag; a
    /// real end, which the API follows within that time, stays an end.
    #[test]
    fn the_apis_live_outlasting_a_sockets_end_is_live_again() {
        let mut st = LiveState::default();
        assert!(answer(&mut st, 0, true, false).act);
        st.socket_said(false, Ts(100_000));
        for at in [115, 130, 205] {
            assert!(
                !answer(&mut st, at, true, false).act,
                "{at} s: the API lags"
            );
        }
        let back = answer(&mut st, 220, true, false);
        assert!(
            back.act && back.status.is_live && back.to_recorder,
            "{back:?}"
        );
        assert!(!answer(&mut st, 235, true, true).act, "said once");
        // A real end: the API says offline within its lag; nothing comes back.
        st.socket_said(false, Ts(300_000));
        assert!(answer(&mut st, 315, false, false).act);
        assert!(!answer(&mut st, 500, false, false).act);
    }
}
