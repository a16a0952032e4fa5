//! The Twitch status actor: live status, viewers, title and start time for one Twitch channel,
//! sent to the engine as the same [`ApiNews::Status`] the Kick channel actor sends, so going
//! live, offline, viewer samples and recording work the same on both platforms.
//!
//! Where the status comes from, in order: `[twitch] assume_live` (live at once, never asked
//! again); Helix with `[twitch] client_id` / `client_secret` (every `poll_interval_seconds`
//! and at once when the recorder asks); else the stream itself ([`StreamProbe`] on the
//! Twitch stream URL, with `[recorder] probe_live`). Helix refusing the credentials or the
//! channel is said once, and the stream probe takes over.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, mpsc};
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;

use super::channel::{ApiNews, ApiRequest};
use super::feed::Feed;
use super::stream_probe::{Probe, StreamProbe};
use super::update::Update;
use crate::kickapi::{LiveSource, LiveStatus};
use crate::twitchapi::{Helix, HelixError};

/// Everything one run of the actor needs; cloned for each (supervised) run.
#[derive(Clone)]
pub struct TwitchStatus {
    pub login: String,
    /// `None`: no credentials, or Helix refused them (then the probe, if any, answers).
    pub helix: Option<Arc<Helix>>,
    pub probe: Option<StreamProbe>,
    pub assume_live: bool,
    pub poll_every: Duration,
    pub news: mpsc::Sender<ApiNews>,
    pub feed: Feed,
    /// The probe's "cannot tell" was said (once, until it can tell again).
    pub unknown_said: bool,
    /// Helix refused the configured credentials (so "set them" would be the wrong hint).
    pub helix_refused: bool,
    /// The status bar was told that nothing can tell whether the stream is live.
    pub unknown_shown: bool,
}

impl TwitchStatus {
    /// Answers until cancelled. `requests` is shared by every run of the actor.
    pub async fn run(
        mut self,
        requests: Arc<Mutex<mpsc::Receiver<ApiRequest>>>,
        cancel: CancellationToken,
    ) {
        let mut requests = requests.lock().await;
        if self.assume_live {
            tracing::info!("{}: [twitch] assume_live: live from the start", self.login);
        } else if self.helix.is_none() && self.probe.is_none() {
            self.note(format!(
                "twitch:{}: no way to tell when the stream is live: set [twitch] client_id and \
                 client_secret, turn on [recorder] probe_live, or set [twitch] assume_live",
                self.login
            ));
            self.unknown(true);
        }
        let mut next = Instant::now();
        // A Helix error's own delay: until then, requests do not ask Helix.
        let mut hold_until: Option<Instant> = None;
        let mut last_error: Option<HelixError> = None;
        loop {
            let asked = tokio::select! {
                () = cancel.cancelled() => return,
                () = sleep_until(next) => false,
                r = requests.recv() => match r {
                    Some(ApiRequest::Relookup(reply)) => {
                        // Twitch chat needs no ids.
                        let _ = reply.send(None);
                        continue;
                    }
                    Some(ApiRequest::PollNow | ApiRequest::SocketSaid { .. }) => true,
                    // The engine is gone.
                    None => return,
                },
            };
            let held = hold_until.is_some_and(|t| Instant::now() < t);
            if asked && held && self.probe.is_none() {
                // Nothing else to ask: the recorder uses the last known state.
                continue;
            }
            next = Instant::now() + self.poll_every;
            let status = if self.assume_live {
                Some(assumed())
            } else if let Some(helix) = self.helix.clone().filter(|_| !held) {
                match helix.status(&self.login).await {
                    Ok(s) => {
                        hold_until = None;
                        if last_error.take().is_some() {
                            self.note("Twitch Helix: answering again".into());
                        }
                        Some(s)
                    }
                    Err(e) => {
                        let delay = self.on_error(&e, last_error.as_ref());
                        last_error = Some(e);
                        if let Some(d) = delay {
                            hold_until = Some(Instant::now() + d);
                            next = Instant::now() + d.min(self.poll_every);
                        }
                        self.probe_now().await
                    }
                }
            } else {
                self.probe_now().await
            };
            if let Some(s) = status {
                let _ = self.news.send(ApiNews::Status(s)).await;
            }
        }
    }

    /// Says what went wrong (once per kind); `Some(delay)` to ask Helix again after.
    fn on_error(&mut self, e: &HelixError, last: Option<&HelixError>) -> Option<Duration> {
        let retry = e.retry_after();
        let same = last.is_some_and(|l| std::mem::discriminant(l) == std::mem::discriminant(e));
        if retry.is_none() {
            // Bad credentials or channel: Helix is not asked again this run.
            self.helix = None;
            self.helix_refused = matches!(e, HelixError::Unauthorized);
            let then = if self.probe.is_some() {
                "live status now comes from the stream itself (streamlink)"
            } else {
                "live status is unknown: fix the config, or set [twitch] assume_live"
            };
            tracing::error!(target: crate::logging::SHOWN, "twitch helix: {e}; not retrying");
            self.note(format!("Twitch Helix: {e}; not retrying; {then}"));
            if self.probe.is_none() {
                self.unknown(true);
            }
        } else if !same {
            // The error says what happened; what the run does next is said here (a one-off
            // check such as `doctor` does not retry).
            let wait = retry.map_or(0, |d| d.as_secs());
            tracing::warn!(target: crate::logging::SHOWN, "twitch helix: {e}; retrying in {wait} s");
            self.note(format!("Twitch Helix: {e}; retrying in {wait} s"));
        }
        retry
    }

    /// The stream probe's answer, when there is a probe and it can tell.
    async fn probe_now(&mut self) -> Option<LiveStatus> {
        let probe = self.probe.as_mut()?;
        let found = probe.probe().await;
        match &found {
            Probe::Unknown { why } if self.helix.is_none() && !self.unknown_said => {
                // Nothing else can tell: said once, or the run just sits silent.
                self.unknown_said = true;
                let fix = if self.helix_refused {
                    "fix [twitch] client_id and client_secret (Twitch refused them)"
                } else {
                    "set [twitch] client_id and client_secret"
                };
                self.note(format!(
                    "twitch:{}: cannot tell whether the stream is live ({why}); {fix}, or set \
                     [twitch] assume_live",
                    self.login
                ));
                self.unknown(true);
            }
            Probe::Unknown { why } => tracing::debug!("{}: stream probe: {why}", self.login),
            _ => {
                self.unknown_said = false;
                self.unknown(false);
            }
        }
        found.status()
    }

    /// The status bar's "live status unknown" while nothing can tell (not "offline"), and
    /// its end once the stream probe answers. Already said as a note: headless prints it
    /// once, as that.
    fn unknown(&mut self, on: bool) {
        if std::mem::replace(&mut self.unknown_shown, on) == on {
            return;
        }
        let helix = if self.helix_refused {
            "Twitch refused the Helix credentials"
        } else {
            "no Helix"
        };
        let probe = if self.probe.is_some() {
            "the stream probe cannot tell"
        } else {
            "no stream probe"
        };
        let message = format!("{helix}, {probe}");
        self.feed.send(if on {
            Update::ApiTrouble {
                message,
                retry_s: None,
                waits_for_ids: false,
            }
        } else {
            Update::ApiOk
        });
    }

    fn note(&self, text: String) {
        self.feed.send(Update::Note(text));
    }
}

/// `[twitch] assume_live`: live since now, nothing else known.
fn assumed() -> LiveStatus {
    LiveStatus {
        is_live: true,
        source: LiveSource::Assumed,
        ..LiveStatus::default()
    }
}
