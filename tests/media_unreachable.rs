//! A stream address that answers 404 (a wrong `stream_url`, a Kick playback URL that went
//! stale): real streamlink cannot open it, again and again, while the platform says live.
//! The recorder must say why and keep trying with backoff, without a new empty part (file or
//! `recordings` row) for each attempt.

mod media_support;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use kicktui::media::{RecState, Recorder, SessionInfo, StopReason};
use kicktui::store::Store;
use media_support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// An HTTP server that answers every request with 404.
async fn not_found_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                let _ = sock
                    .write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    )
                    .await;
            });
        }
    });
    format!("hls://http://{addr}/live/index.m3u8")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_404_stream_is_retried_as_one_part_and_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let db = kicktui::store::db_path(&data);
    let (writer, store, session) = store_with_session(&data).await;
    // Counts streamlink's runs (each one an attempt).
    let runs = tmp.path().join("runs");
    let wrapper = tmp.path().join("streamlink-counted");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/bash\necho run >> '{}'\nexec streamlink \"$@\"\n",
            runs.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cfg = config(&not_found_server().await, &data);
    cfg.streamlink = wrapper.display().to_string();
    // streamlink's own retries, short (kicktui's are 12 × 5 s): an attempt takes ~2 s.
    cfg.extra_args = ["--retry-streams", "1", "--retry-max", "2"]
        .map(String::from)
        .to_vec();
    cfg.max_backoff = Duration::from_secs(1);
    let (_live, check) = live_switch();
    let rec = Recorder::start(cfg, SessionInfo { id: session }, Some(store.clone()), check);
    let mut rx = rec.status();
    let st = wait_for(&mut rx, Duration::from_secs(20), "cannot reach", |s| {
        matches!(&s.state, RecState::Unreachable(_))
    })
    .await;
    assert!(st.state.label().contains("404"), "{}", st.state.label());
    let named = st.path.clone();
    assert!(named.is_some());
    // Three more attempts.
    let attempts = || std::fs::read_to_string(&runs).map_or(0, |s| s.lines().count());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(25);
    while attempts() < 4 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "attempts: {}",
            attempts()
        );
        rx.changed().await.unwrap();
    }
    let st = rx.borrow().clone();
    assert!(
        matches!(st.state, RecState::Unreachable(_)),
        "between attempts it still says why: {:?}",
        st.state
    );
    assert!(st.parts.len() <= 1, "{:#?}", st.parts);
    // One part number throughout: the engine announces each new part once ("Recording to:
    // …_p1.ts"), and each attempt writes to that file name, not a newer one never named.
    assert_eq!(st.part, 1);
    assert_eq!(st.path, named);
    let fin = rec.stop().await;
    assert_eq!(fin.state, RecState::Stopped(StopReason::Requested));
    store.flush().await.unwrap();
    let reader = Store::open(&db).unwrap();
    let rows = reader.recordings(session).unwrap();
    assert!(rows.len() <= 1, "{rows:#?}");
    // The session names no dropped attempt's file as its recording.
    let path = reader.session(session).unwrap().unwrap().recording_path;
    assert_eq!(path, rows.first().map(|r| r.path.clone()), "{rows:#?}");
    let files: Vec<_> = std::fs::read_dir(data.join("recordings"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| !n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(files.is_empty(), "{files:?}");
    drop(store);
    writer.shutdown_async().await.unwrap();
}
