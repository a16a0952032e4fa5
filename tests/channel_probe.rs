//! The channel actor's stream probe, with a stand-in streamlink (a script printing the
//! `--json` answer a test writes): while Kick's API answers 403 it reports what the stream
//! says, as the same status news the API gives, marked as coming from the probe; once the
//! chat socket has spoken, periodic probes stop; the recorder's "still live?" still probes.

use std::path::Path;
use std::time::Duration;

use kicktui::config::Recorder;
use kicktui::engine::channel::{ApiNews, ApiRequest, ChannelActor, ChatIds};
use kicktui::engine::stream_probe::StreamProbe;
use kicktui::fake::{ApiFailure, FakeConfig, FakeKick};
use kicktui::kickapi::{ApiError, KickApi, LiveSource, LiveStatus};
use kicktui::store::{StoreWriter, db_path};
use tokio::sync::{mpsc, watch};
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

const LIMIT: Duration = Duration::from_secs(10);
const LIVE: &str =
    r#"{"type": "hls", "url": "http://127.0.0.1:9/live.m3u8", "metadata": {"title": "Ranked"}}"#;
const OFFLINE: &str =
    r#"{"error": "No playable streams found on this URL: https://kick.com/clavicular"}"#;

/// A `streamlink` that logs each call and prints `answer.json`.
fn fake_streamlink(dir: &Path) -> String {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("streamlink");
    let body = format!(
        "#!/bin/sh\necho \"$@\" >> {calls}\ncat {answer}\n",
        calls = dir.join("calls").display(),
        answer = dir.join("answer.json").display()
    );
    std::fs::write(&script, body).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script.display().to_string()
}

fn calls(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("calls"))
        .unwrap_or_default()
        .lines()
        .count()
}

/// The next status news (trouble news skipped).
async fn next_status(news: &mut mpsc::Receiver<ApiNews>) -> LiveStatus {
    loop {
        match timeout(LIMIT, news.recv()).await.unwrap().unwrap() {
            ApiNews::Status(s) => return s,
            ApiNews::Trouble { error, .. } => assert_eq!(error, ApiError::Cloudflare),
            other => panic!("unexpected news: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_api_hands_live_status_to_the_stream_probe() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    c.set_api_failure(ApiFailure::Cloudflare);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("answer.json"), LIVE).unwrap();
    let rec = Recorder {
        streamlink: fake_streamlink(dir.path()),
        stream_url: "https://kick.com/{channel}".into(),
        ..Recorder::default()
    };
    let mut kick_cfg = kick.kick_config();
    kick_cfg.client_id.clear();
    let writer = StoreWriter::spawn(&db_path(dir.path())).unwrap();
    let info = c.info();
    let ids = ChatIds {
        channel_id: info.channel_id,
        chatroom_id: info.chatroom_id,
    };
    let (news_tx, mut news) = mpsc::channel(64);
    let (requests, rx) = mpsc::channel(16);
    let actor = ChannelActor {
        api: KickApi::new(&kick_cfg),
        slug: "clavicular".into(),
        store: writer.handle(),
        ids: Some(ids),
        user_channel_id: Some(ids.channel_id),
        user_chatroom_id: Some(ids.chatroom_id),
        poll_every: Duration::from_millis(300),
        ids_tx: watch::channel(Some(ids)).0,
        news: news_tx,
        probe: Some(StreamProbe::from_config(&rec, "clavicular")),
    };
    let cancel = CancellationToken::new();
    let task = tokio::spawn(actor.run(rx, cancel.clone()));

    // The API is blocked: the stream says live.
    let s = next_status(&mut news).await;
    assert!(s.is_live, "{s:?}");
    assert_eq!(s.source, LiveSource::StreamProbe);
    assert_eq!(s.title.as_deref(), Some("Ranked"));
    let args = std::fs::read_to_string(dir.path().join("calls")).unwrap();
    assert!(
        args.starts_with("--json https://kick.com/clavicular best"),
        "{args}"
    );

    // The stream ends: the next periodic probe says offline.
    std::fs::write(dir.path().join("answer.json"), OFFLINE).unwrap();
    // (Probes already under way may still say live.)
    let mut s = next_status(&mut news).await;
    for _ in 0..5 {
        if !s.is_live {
            break;
        }
        s = next_status(&mut news).await;
    }
    assert!(!s.is_live && s.source == LiveSource::StreamProbe, "{s:?}");

    // The socket speaks: no more periodic probes…
    requests
        .send(ApiRequest::SocketSaid { live: true })
        .await
        .unwrap();
    // The actor handles one thing at a time: once it answers this, the socket's word and
    // any probe that was running are done.
    let (reply, answered) = tokio::sync::oneshot::channel();
    requests.send(ApiRequest::Relookup(reply)).await.unwrap();
    timeout(LIMIT, answered).await.unwrap().unwrap();
    let before = calls(dir.path());
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(calls(dir.path()), before, "probed after the socket spoke");
    while news.try_recv().is_ok() {}

    // …but the recorder's "still live?" is answered from the stream at once.
    requests.send(ApiRequest::PollNow).await.unwrap();
    let s = next_status(&mut news).await;
    assert!(!s.is_live && s.source == LiveSource::StreamProbe);
    assert_eq!(calls(dir.path()), before + 1);
    assert_eq!(
        c.stats().api_requests,
        1,
        "the API waits for its retry delay"
    );

    cancel.cancel();
    timeout(LIMIT, task).await.unwrap().unwrap();
}

/// Ids set in a config that several channels share are one channel's: when Kick's API
/// answers with other ids for this channel, the API's are used (the chat read the other
/// channel's chat and ended with its stream), and that is said once. While the API is
/// blocked, the user's ids are what the chat gets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_channels_ids_from_the_config_give_way_to_the_apis() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let dir = tempfile::tempdir().unwrap();
    let writer = StoreWriter::spawn(&db_path(dir.path())).unwrap();
    let actor = |ids_tx, news_tx, kick_cfg: &kicktui::config::Kick| ChannelActor {
        api: KickApi::new(kick_cfg),
        slug: "clavicular".into(),
        store: writer.handle(),
        ids: None,
        user_channel_id: Some(1001),
        user_chatroom_id: Some(2001),
        poll_every: Duration::from_secs(300),
        ids_tx,
        news: news_tx,
        probe: None,
    };
    let info = c.info();
    let theirs = ChatIds {
        channel_id: info.channel_id,
        chatroom_id: info.chatroom_id,
    };
    // The actor's run, and the ids it gives the chat.
    let start = |kick_cfg| {
        let (ids_tx, ids) = watch::channel(None);
        let (news_tx, news) = mpsc::channel(64);
        let (requests, rx) = mpsc::channel(16);
        let cancel = CancellationToken::new();
        let task = tokio::spawn(actor(ids_tx, news_tx, &kick_cfg).run(rx, cancel.clone()));
        (task, cancel, ids, news, requests)
    };
    // With Kick's official API credentials, and without.
    let official = kick.kick_config();
    let mut no_official = kick.kick_config();
    no_official.client_id.clear();
    let first_ids = async |ids: &mut watch::Receiver<Option<ChatIds>>| {
        let got = timeout(LIMIT, ids.wait_for(Option::is_some)).await.unwrap();
        *got.unwrap()
    };

    let (task, cancel, mut ids, mut news, _requests) = start(official.clone());
    assert_eq!(first_ids(&mut ids).await, Some(theirs));
    let note = loop {
        match timeout(LIMIT, news.recv()).await.unwrap().unwrap() {
            ApiNews::Note(n) => break n,
            ApiNews::Status(_) => {}
            other => panic!("unexpected news: {other:?}"),
        }
    };
    assert!(
        note.contains("channel 1001 and chatroom 2001, are not this channel's"),
        "{note}"
    );
    cancel.cancel();
    task.await.unwrap();

    // Blocked: the user's ids, and no "waits for ids"; the official API still gives the
    // status when it is configured.
    c.set_api_failure(ApiFailure::Cloudflare);
    let mine = ChatIds {
        channel_id: 1001,
        chatroom_id: 2001,
    };
    let (task, cancel, mut ids, mut news, _requests) = start(no_official);
    assert_eq!(first_ids(&mut ids).await, Some(mine));
    match timeout(LIMIT, news.recv()).await.unwrap().unwrap() {
        ApiNews::Trouble { need_ids, .. } => assert!(!need_ids),
        other => panic!("unexpected news: {other:?}"),
    }
    cancel.cancel();
    task.await.unwrap();
    let (task, cancel, mut ids, mut news, _requests) = start(official);
    assert_eq!(first_ids(&mut ids).await, Some(mine));
    match timeout(LIMIT, news.recv()).await.unwrap().unwrap() {
        ApiNews::Status(s) => assert_eq!(s.source, LiveSource::OfficialApi),
        other => panic!("unexpected news: {other:?}"),
    }
    cancel.cancel();
    task.await.unwrap();
}
