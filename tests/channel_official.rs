//! The channel actor with Kick's official API configured, against the fake Kick: refused
//! credentials are said once and not tried again; a blocked channel API, asked to check the
//! ids the user gave, waits out its block while the official API gives the status.

use std::time::Duration;

use kicktui::engine::channel::{ApiNews, ApiRequest, ChannelActor, ChatIds};
use kicktui::fake::{ApiFailure, FakeConfig, FakeKick};
use kicktui::kickapi::{KickApi, LiveStatus};
use kicktui::store::{StoreWriter, db_path};
use tokio::sync::{mpsc, watch};
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

const LIMIT: Duration = Duration::from_secs(10);

struct Run {
    news: mpsc::Receiver<ApiNews>,
    requests: mpsc::Sender<ApiRequest>,
    notes: Vec<String>,
    cancel: CancellationToken,
    _dir: tempfile::TempDir,
}

/// An actor that polls only when asked (its first poll is at once).
fn start(kick_cfg: &kicktui::config::Kick, user_ids: Option<ChatIds>) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let writer = StoreWriter::spawn(&db_path(dir.path())).unwrap();
    let (news_tx, news) = mpsc::channel(64);
    let (requests, rx) = mpsc::channel(16);
    let actor = ChannelActor {
        api: KickApi::new(kick_cfg),
        slug: "clavicular".into(),
        store: writer.handle(),
        ids: None,
        user_channel_id: user_ids.map(|i| i.channel_id),
        user_chatroom_id: user_ids.map(|i| i.chatroom_id),
        poll_every: Duration::from_secs(3600),
        ids_tx: watch::channel(None).0,
        news: news_tx,
        probe: None,
    };
    let cancel = CancellationToken::new();
    tokio::spawn(actor.run(rx, cancel.clone()));
    Run {
        news,
        requests,
        notes: Vec::new(),
        cancel,
        _dir: dir,
    }
}

impl Run {
    /// The next status (notes kept, trouble skipped).
    async fn status(&mut self) -> LiveStatus {
        loop {
            match timeout(LIMIT, self.news.recv()).await.unwrap().unwrap() {
                ApiNews::Status(s) => return s,
                ApiNews::Note(n) => self.notes.push(n),
                ApiNews::Trouble { .. } | ApiNews::Recovered => {}
                other => panic!("unexpected news: {other:?}"),
            }
        }
    }

    async fn poll(&mut self) -> LiveStatus {
        self.requests.send(ApiRequest::PollNow).await.unwrap();
        self.status().await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_credentials_are_said_once_and_not_tried_again() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let mut cfg = kick.kick_config();
    cfg.client_secret = String::from("not-the-secret").into();
    let mut run = start(&cfg, None);
    run.status().await;
    for _ in 0..4 {
        run.poll().await;
    }
    run.cancel.cancel();
    assert_eq!(run.notes.len(), 1, "{:?}", run.notes);
    assert!(
        run.notes[0].contains("refused the official API credentials"),
        "{:?}",
        run.notes
    );
    // The first lookup, one refused token request, then the channel API alone.
    assert_eq!(kick.control().stats().api_requests, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_channel_api_is_not_asked_at_every_poll_to_check_given_ids() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    c.set_api_failure(ApiFailure::Cloudflare);
    let info = c.info();
    let ids = ChatIds {
        channel_id: info.channel_id,
        chatroom_id: info.chatroom_id,
    };
    let mut run = start(&kick.kick_config(), Some(ids));
    run.status().await;
    for _ in 0..4 {
        run.poll().await;
    }
    run.cancel.cancel();
    // One blocked check, one token, then the official status at each of the 5 polls.
    assert_eq!(c.stats().api_requests, 7);
}
