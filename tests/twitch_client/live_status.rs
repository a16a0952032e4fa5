//! Whether the stream is live: the Helix client (token renewal, rate limits, refused
//! credentials) and the status actor that polls it, with the hints when nothing can tell.

use std::sync::Arc;
use std::time::Duration;

use kicktui::engine::channel::{ApiNews, ApiRequest};
use kicktui::engine::feed::Feed;
use kicktui::engine::twitch_status::TwitchStatus;
use kicktui::engine::update::Update;
use kicktui::fake::ApiFailure;
use kicktui::kickapi::{LiveSource, LiveStatus};
use kicktui::twitchapi::{Helix, HelixError};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

use crate::{LIMIT, fake};

#[tokio::test]
async fn helix_reports_live_status_and_renews_its_token() {
    let (twitch, control) = fake(300).await;
    let helix = Helix::new(&twitch.twitch_config()).expect("credentials set");
    let channel = twitch.channel().to_string();
    let off = helix.status(&channel).await.expect("offline answer");
    assert!(!off.is_live && off.viewers.is_none());
    control.set_live("ranked grind");
    control.set_viewers(4321);
    let on = helix.status(&channel).await.expect("live answer");
    assert!(on.is_live);
    assert_eq!(on.viewers, Some(4321));
    assert_eq!(on.title.as_deref(), Some("ranked grind"));
    assert!(on.started_at.is_some());
    assert_eq!(control.stats().tokens_issued, 1, "the token is cached");
    control.revoke_tokens();
    assert!(
        helix.status(&channel).await.is_ok(),
        "a 401 gets one fresh token"
    );
    assert_eq!(control.stats().tokens_issued, 2);

    control.set_helix_failure(ApiFailure::RateLimited {
        retry_after: Some(7),
    });
    let e = helix.status(&channel).await.unwrap_err();
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
    control.set_helix_failure(ApiFailure::None);

    let mut bad = twitch.twitch_config();
    bad.client_secret = "wrong".into();
    let e = Helix::new(&bad)
        .expect("set")
        .status(&channel)
        .await
        .unwrap_err();
    assert_eq!(e, HelixError::Unauthorized);
    assert!(e.to_string().contains("[twitch] client_id"), "{e}");
    assert!(e.retry_after().is_none());
    let mut none = twitch.twitch_config();
    none.client_id.clear();
    none.client_secret = Default::default();
    assert!(Helix::new(&none).is_none());
}

type Actor = (
    mpsc::Receiver<ApiNews>,
    mpsc::Sender<ApiRequest>,
    mpsc::Receiver<Update>,
    CancellationToken,
    JoinHandle<()>,
);

/// A status actor polling `twitch`'s Helix every 30 ms (credentials from `cfg`).
fn status_actor(cfg: &kicktui::config::Twitch, login: &str) -> Actor {
    actor_with(cfg, login, None)
}

/// [`status_actor`] with a stream probe.
fn actor_with(
    cfg: &kicktui::config::Twitch,
    login: &str,
    probe: Option<kicktui::engine::stream_probe::StreamProbe>,
) -> Actor {
    let (news_tx, news) = mpsc::channel(100);
    let (req_tx, req_rx) = mpsc::channel(16);
    let feed = Feed::new();
    let notes = feed.subscribe().into_mpsc(100);
    let actor = TwitchStatus {
        login: login.into(),
        helix: Helix::new(cfg).map(Arc::new),
        probe,
        assume_live: cfg.assume_live,
        poll_every: Duration::from_millis(30),
        news: news_tx,
        feed,
        unknown_said: false,
        helix_refused: false,
        unknown_shown: false,
    };
    let cancel = CancellationToken::new();
    let requests = Arc::new(tokio::sync::Mutex::new(req_rx));
    let task = tokio::spawn(actor.run(requests, cancel.clone()));
    (news, req_tx, notes, cancel, task)
}

/// The next status matching `pred` (others are skipped).
async fn status_until(
    rx: &mut mpsc::Receiver<ApiNews>,
    pred: impl Fn(&LiveStatus) -> bool,
) -> LiveStatus {
    let found = timeout(LIMIT, async {
        while let Some(n) = rx.recv().await {
            if let ApiNews::Status(s) = n
                && pred(&s)
            {
                return Some(s);
            }
        }
        None
    })
    .await;
    found.ok().flatten().expect("the status arrives")
}

#[tokio::test]
async fn the_status_actor_reports_helix_as_live_status() {
    let (twitch, control) = fake(300).await;
    let (mut news, requests, _notes, cancel, task) =
        status_actor(&twitch.twitch_config(), twitch.channel());
    status_until(&mut news, |s| !s.is_live).await;
    control.set_live("going live");
    let live = status_until(&mut news, |s| s.is_live).await;
    assert_eq!(live.title.as_deref(), Some("going live"));
    assert!(live.started_at.is_some() && live.source == LiveSource::TwitchApi);
    control.set_viewers(77);
    status_until(&mut news, |s| s.viewers == Some(77)).await;
    // Twitch chat needs no ids: a relookup is answered at once, with none.
    let (tx, rx) = tokio::sync::oneshot::channel();
    requests.send(ApiRequest::Relookup(tx)).await.unwrap();
    assert_eq!(
        timeout(LIMIT, rx).await.ok().and_then(Result::ok),
        Some(None)
    );
    control.set_offline();
    status_until(&mut news, |s| !s.is_live).await;
    cancel.cancel();
    assert!(timeout(LIMIT, task).await.is_ok_and(|r| r.is_ok()));
}

#[tokio::test]
async fn refused_credentials_are_said_once_and_helix_is_left_alone() {
    let (twitch, control) = fake(300).await;
    let mut cfg = twitch.twitch_config();
    cfg.client_secret = "wrong".into();
    let (_news, requests, mut notes, cancel, task) = status_actor(&cfg, twitch.channel());
    let note = timeout(LIMIT, async {
        while let Some(u) = notes.recv().await {
            if let Update::Note(text) = u {
                return Some(text);
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .expect("a note about the credentials");
    assert!(
        note.contains("[twitch] client_id") && note.contains("assume_live"),
        "{note}"
    );
    let asked = control.stats().api_requests;
    for _ in 0..5 {
        requests.send(ApiRequest::PollNow).await.unwrap();
    }
    // A relookup is answered after the polls: they have all been handled by then.
    let (tx, rx) = tokio::sync::oneshot::channel();
    requests.send(ApiRequest::Relookup(tx)).await.unwrap();
    assert!(timeout(LIMIT, rx).await.is_ok());
    assert_eq!(control.stats().api_requests, asked, "no more Helix calls");
    // Said once; the status bar is told the live state is unknown (no probe here).
    let later: Vec<Update> = std::iter::from_fn(|| notes.try_recv().ok()).collect();
    assert!(
        matches!(&later[..], [Update::ApiTrouble { message, .. }] if message.contains("refused")),
        "{later:?}"
    );
    cancel.cancel();
    let _ = timeout(LIMIT, task).await;
}

/// Credentials Twitch refused, and a probe that cannot tell: the hint is to fix them, not to
/// set them (they are set).
#[tokio::test]
async fn refused_credentials_and_a_blind_probe_say_to_fix_the_credentials() {
    let (twitch, _control) = fake(300).await;
    let mut cfg = twitch.twitch_config();
    cfg.client_secret = "wrong".into();
    let rec = kicktui::config::Recorder {
        streamlink: "/nonexistent/streamlink".into(),
        ..Default::default()
    };
    let probe = kicktui::engine::stream_probe::StreamProbe::from_config(&rec, "fakechan");
    let (_news, _requests, mut notes, cancel, task) =
        actor_with(&cfg, twitch.channel(), Some(probe));
    let hint = timeout(LIMIT, async {
        while let Some(u) = notes.recv().await {
            if let Update::Note(n) = u
                && n.contains("cannot tell whether the stream is live")
            {
                return Some(n);
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .expect("the hint");
    assert!(
        hint.contains("fix [twitch] client_id and client_secret (Twitch refused them)"),
        "{hint}"
    );
    cancel.cancel();
    let _ = timeout(LIMIT, task).await;
}

/// No Helix credentials and a probe that cannot tell (here: no streamlink): the run says
/// once that the live state is unknown and how to fix it, instead of sitting silent.
#[tokio::test]
async fn a_live_state_nothing_can_tell_is_said_once() {
    let rec = kicktui::config::Recorder {
        streamlink: "/nonexistent/streamlink".into(),
        ..Default::default()
    };
    let probe = kicktui::engine::stream_probe::StreamProbe::from_config(&rec, "fakechan");
    let no_helix = kicktui::config::Twitch::default();
    let (_news, _requests, mut notes, cancel, task) =
        actor_with(&no_helix, "fakechan", Some(probe));
    let mut said = 0;
    let _ = timeout(Duration::from_millis(600), async {
        while let Some(u) = notes.recv().await {
            if let Update::Note(n) = u
                && n.contains("cannot tell whether the stream is live")
            {
                assert!(n.contains("assume_live"), "{n}");
                said += 1;
            }
        }
    })
    .await;
    assert_eq!(said, 1);
    cancel.cancel();
    assert!(timeout(LIMIT, task).await.is_ok_and(|r| r.is_ok()));
}
