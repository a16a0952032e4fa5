//! The API's news in the live engine: live and offline (weighed with the chat socket's word),
//! the stream's real start, viewer counts, and trouble reaching the API.

use std::time::Duration;

use super::channel::{ApiNews, ApiRequest};
use super::runner::Engine;
use super::update::Update;
use crate::domain::Event;
use crate::kickapi::{ApiError, LiveStatus};
use crate::time::wall_now;

impl Engine {
    /// Returns why the run must end, if it must.
    pub(super) async fn on_news(&mut self, news: ApiNews) -> Option<String> {
        self.woke().await;
        match news {
            ApiNews::Status(status) => self.on_status(status).await,
            ApiNews::Trouble {
                error,
                need_ids,
                repeat,
            } => {
                // The last count is no longer known: shown while the API stayed blocked, it
                // read "100 viewers" for minutes.
                self.viewers = None;
                // A repeat changes nothing on screen, and headless would print it again.
                if !repeat {
                    self.feed.send(trouble(&error, need_ids));
                }
                if need_ids && !repeat {
                    self.feed.send(Update::Note(format!(
                        "Chat waits for the channel ids: set [kick] channel_id and chatroom_id \
                         (or --channel-id and --chatroom-id) to skip the lookup; {}",
                        crate::present::kick_ids_how_to(&self.channel)
                    )));
                }
            }
            ApiNews::Recovered => self.feed.send(Update::ApiOk),
            ApiNews::Note(note) => self.feed.send(Update::Note(note)),
            ApiNews::Fatal(error) => {
                self.feed.send(trouble(&error, true));
                return Some(error.to_string());
            }
        }
        None
    }

    async fn on_status(&mut self, s: LiveStatus) {
        let now = wall_now();
        let v = self.live_state.answer(now, s, self.core.totals.is_live);
        if let Some(wait) = v.ask_again_in {
            let api = self.api.clone();
            tokio::spawn(async move {
                tokio::time::sleep(wait).await;
                let _ = api.send(ApiRequest::PollNow).await;
            });
        }
        let (s, first) = (v.status, v.first);
        if v.to_recorder {
            self.media.on_api(&s);
        }
        if v.act {
            if s.is_live && !self.core.totals.is_live {
                let effects = self.core.on_event(now, &live_event(&s));
                self.apply(effects).await;
            } else if !s.is_live && self.core.totals.is_live {
                // The session ends when the API first said so, not at the confirmation.
                let offline = Event::Offline {
                    ended_at: v.ended_at,
                    stream_id: None,
                };
                let effects = self.core.on_event(now, &offline);
                self.apply(effects).await;
            } else if !s.is_live && first {
                self.core.saw_offline();
                self.feed.send(Update::WaitingForLive);
                self.report_held(true).await;
            }
        }
        if s.is_live && s.started_at.is_some() && self.core.totals.is_live {
            // Live already, maybe from the stream probe, which knows no start: the API's
            // answer brings the real one (the core takes it only in place of a guess; a
            // stream it just made live from this answer has it).
            let effects = self.core.on_event(now, &live_event(&s));
            self.apply(effects).await;
        }
        if s.is_live
            && let Some(count) = s.viewers
        {
            // A saturated count is garbage: the core drops it, and nothing shows it.
            if count <= crate::domain::MAX_VIEWERS {
                self.viewers = Some(count);
            }
            let effects = self.core.on_event(now, &Event::Viewers { count });
            self.apply(effects).await;
        } else if !s.is_live {
            self.viewers = None;
        }
    }
}

fn trouble(e: &ApiError, need_ids: bool) -> Update {
    let (message, retry) = trouble_words(e, need_ids);
    Update::ApiTrouble {
        message,
        retry_s: retry.map(|d| d.as_secs()),
        waits_for_ids: need_ids,
    }
}

/// The core's event for a live status (API, Helix, or the stream probe).
fn live_event(s: &LiveStatus) -> Event {
    Event::Live {
        title: s.title.clone(),
        started_at: s.started_at,
        stream_id: s.livestream_id,
    }
}

/// A channel that answered 404 mid-run is looked up again after this.
const LOOK_AGAIN_AFTER_404: Duration = Duration::from_secs(300);

/// What an API error means here and when the API is asked again (`None`: not). The channel
/// was there at start once the ids are known: a 404 then is Kick's hiccup (or a rename a later
/// look may settle), not a reason to stop polling for the rest of the run.
pub(super) fn trouble_words(error: &ApiError, need_ids: bool) -> (String, Option<Duration>) {
    if !need_ids && matches!(error, ApiError::NotFound) {
        let again = LOOK_AGAIN_AFTER_404;
        let said = format!(
            "the channel answered 404 (after it answered before, or with its ids given); \
             looking again in {} min",
            again.as_secs() / 60
        );
        return (said, Some(again));
    }
    (error.to_string(), error.retry_after())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_404_stops_the_lookup_at_start_but_only_delays_polling_mid_run() {
        let (at_start, retry) = trouble_words(&ApiError::NotFound, true);
        assert!(at_start.contains("check the spelling"), "{at_start}");
        assert_eq!(retry, None);
        let (mid_run, retry) = trouble_words(&ApiError::NotFound, false);
        assert!(mid_run.contains("looking again in 5 min"), "{mid_run}");
        assert_eq!(retry, Some(Duration::from_secs(300)));
        let (_, retry) = trouble_words(&ApiError::Cloudflare, false);
        assert_eq!(retry, Some(Duration::from_secs(300)));
    }
}
