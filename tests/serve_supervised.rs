//! The metrics server runs supervised: a panic inside it is logged, the server starts again on
//! the same port, and a child process (a recording) keeps running. Its own test binary, since
//! it installs the process-wide panic hook.

mod serve_support;

use std::time::Duration;

use futures_util::StreamExt;
use kicktui::engine::update::Update;
use kicktui::media::children::{self, Tracked};
use kicktui::serve::Options;
use serve_support::*;

fn panic_on_request(u: &Update) {
    if matches!(u, Update::Note(n) if n == "panic, please") {
        panic!("the metrics server was asked to panic");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_the_server_restarts_it_and_the_recording_goes_on() {
    children::install_panic_hook();
    let mut recording = Tracked::spawn(tokio::process::Command::new("sleep").arg("60")).unwrap();
    let srv = Server::start(Options {
        tick: Duration::from_secs(3600),
        inspect: Some(panic_on_request),
        ..Options::default()
    });
    let mut ws = srv.connect().await;
    assert_eq!(next(&mut ws).await["type"], "stream_state");
    srv.feed.send(Update::Note("panic, please".into()));
    // That run's clients are closed with it.
    let closed =
        tokio::time::timeout(LIMIT, async { while let Some(Ok(_)) = ws.next().await {} }).await;
    assert!(closed.is_ok(), "the old connection ended");
    // The same port answers again once the supervisor restarted it (after 1 s).
    let mut again = srv.connect().await;
    assert_eq!(next(&mut again).await["type"], "stream_state");
    srv.feed.send(Update::Revenue(point(1, 5.0, 5.0)));
    assert_eq!(next_of(&mut again, "donation").await["data"]["id"], "d_1");
    // The panic hook left the child alone.
    assert!(
        recording.child.try_wait().unwrap().is_none(),
        "the recording child was killed by a panic in the metrics server"
    );
    assert!(children::live().contains(&recording.pid));
    recording.terminate(Duration::from_secs(1)).await;
}
