//! The chat task: waits for the channel ids, then runs the Pusher client on the five channel
//! names. Its "fresh look-up" after a 4000–4099 close re-reads `[kick] pusher_url` from the
//! config file (the user may have put in a new app key) and asks the channel actor for the
//! ids again. Kick's realtime negotiation endpoint (kick-protocol.md §1.2) is not called: it
//! is unconfirmed and behind the same Cloudflare as the channel API.

use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio_util::sync::CancellationToken;

use super::channel::{ApiRequest, ChatIds};
use crate::source::kick::channel_names;
use crate::source::pusher::{PusherOptions, PusherSource, Refresh, SourceExit, Target};
use crate::source::{ChatState, SourceMsg};

/// How long a fresh look-up may take before the current parameters are tried again.
const RELOOKUP_LIMIT: Duration = Duration::from_secs(20);

pub struct ChatTask {
    pub pusher_url: String,
    /// The config file to re-read for `pusher_url` (`None`: nothing to re-read).
    pub config_path: Option<PathBuf>,
    pub capture: bool,
    pub ids: watch::Receiver<Option<ChatIds>>,
    pub api: mpsc::Sender<ApiRequest>,
    pub tx: mpsc::Sender<SourceMsg>,
    pub state: watch::Sender<ChatState>,
}

pub fn target(url: &str, ids: ChatIds) -> Target {
    Target {
        url: url.to_string(),
        channels: channel_names(ids.chatroom_id, ids.channel_id).to_vec(),
    }
}

impl ChatTask {
    pub async fn run(mut self, cancel: CancellationToken) -> SourceExit {
        let ids = tokio::select! {
            _ = cancel.cancelled() => return SourceExit::Cancelled,
            ids = self.ids.wait_for(Option::is_some) => match ids.ok().and_then(|i| *i) {
                Some(ids) => ids,
                // The channel actor is gone without ids: it has said why.
                None => return SourceExit::Cancelled,
            },
        };
        let current = target(&self.pusher_url, ids);
        let mut opts = PusherOptions::new(&current.url, current.channels.clone());
        opts.capture = self.capture;
        let refresh = refresher(current, self.config_path, self.api);
        PusherSource::new(opts, self.tx, self.state)
            .with_refresh(refresh)
            .run(cancel)
            .await
    }
}

fn refresher(
    current: Target,
    config_path: Option<PathBuf>,
    api: mpsc::Sender<ApiRequest>,
) -> Refresh {
    Box::new(move || {
        let (current, config_path, api) = (current.clone(), config_path.clone(), api.clone());
        Box::pin(async move {
            let url = match config_path.as_deref().map(|p| crate::config::load(Some(p))) {
                Some(Ok((cfg, _))) => cfg.kick.pusher_url,
                Some(Err(e)) => {
                    tracing::warn!("cannot re-read the config: {e}");
                    current.url.clone()
                }
                None => current.url.clone(),
            };
            let (reply, answer) = oneshot::channel();
            let ids = match api.send(ApiRequest::Relookup(reply)).await {
                Ok(()) => tokio::time::timeout(RELOOKUP_LIMIT, answer)
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .flatten(),
                Err(_) => None,
            };
            let channels = match ids {
                Some(ids) => target(&url, ids).channels,
                None => current.channels.clone(),
            };
            Some(Target { url, channels })
        })
    })
}
