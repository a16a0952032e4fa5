//! The messages' exact shapes, as the product describes them, through a stream's life: the
//! snapshot on connect, money, moments and their clips, going offline and live, the recording,
//! the co-pilot's advice; and a Kick channel's Kicks.

use kicktui::engine::update::{ClipNews, RecorderNews, RecordingInfo, Update};
use kicktui::media::{self, ClipState};
use serde_json::json;

use crate::serve_support::*;
use crate::{live_snapshot, quiet};

fn recording(state: media::RecState, part: u32) -> Update {
    Update::Recording(RecordingInfo {
        session: 5,
        state,
        part,
        path: Some(format!("/home/me/rec/novaplays_s005_p{part}.ts").into()),
        bytes: 45_200_000,
        mb_per_min: 2.64,
        ..RecordingInfo::default()
    })
}

/// `since` is when the server saw the state begin: between `from` and now. Taken out, so the
/// rest can be compared whole.
fn take_since(m: &mut serde_json::Value, from: chrono::DateTime<chrono::Utc>) {
    let since = m["data"]["since"].take();
    let at = since
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .unwrap_or_else(|| panic!("since is a time: {m}"));
    // Sent to the millisecond: `from` cut to it.
    let from = from - chrono::Duration::milliseconds(1);
    assert!(
        from <= at && at <= chrono::Utc::now(),
        "{since} after {from}"
    );
}

#[tokio::test]
async fn messages_have_the_exact_shapes_of_the_product() {
    let srv = Server::start(quiet());
    let start = chrono::Utc::now();
    srv.feed.send(Update::Snapshot(live_snapshot()));
    srv.feed.send(Update::Recorder(RecorderNews::Armed));
    srv.feed.send(recording(media::RecState::Recording, 2));
    srv.feed.send(Update::Revenue(point(1, 10.0, 140.0)));
    let mut ws = srv.connect().await;
    // The snapshot on connect.
    assert_eq!(
        next(&mut ws).await,
        json!({"type": "stream_state", "data": {"isLive": true, "viewerCount": 42,
            "uptime": "1:23:45", "currentActivity": "talk", "chatVelocity": 12.5,
            "engagementScore": 65.3}})
    );
    assert_eq!(
        next(&mut ws).await,
        json!({"type": "metrics_update", "data": {"revenueToday": 150.0, "subsCount": 12,
            "bitsToday": 0, "donationsPerHour": 25.0}})
    );
    // The recording, as the TUI's pane says it: the file's name only, not where it is.
    let mut rec = next(&mut ws).await;
    take_since(&mut rec, start);
    assert_eq!(
        rec,
        json!({"type": "recording", "data": {"state": "recording", "label": "recording",
            "health": "good", "part": 2, "file": "novaplays_s005_p2.ts",
            "sizeBytes": 45_200_000, "mbPerMin": 2.6, "slow": false, "since": null}})
    );
    assert_eq!(
        next(&mut ws).await,
        json!({"type": "revenue_point", "data": {"timestamp": "2026-02-27T10:30:01Z",
            "amount": 10.0, "cumulative": 140.0}})
    );
    assert_eq!(
        next(&mut ws).await,
        json!({"type": "donation", "data": {"id": "d_1", "username": "viewer1",
            "amount": 10.0, "message": "", "timestamp": "2026-02-27T10:30:01Z",
            "type": "donation"}})
    );
    assert_eq!(
        next(&mut ws).await,
        json!({"type": "context", "data": {"channel": "twitch:novaplays",
            "platform": "twitch", "kicksToday": 0,
            "line": "Stream state: 42 viewers", "activity": "talk", "suggestion": "q_and_a",
            "session": null}})
    );
    // A donation: `donation`, `revenue_point`, then the totals that include it.
    srv.feed
        .send(Update::Revenue(kicktui::engine::view::RevenuePoint {
            subs_total: 13,
            per_hour: 30.0,
            ..point(2, 10.0, 160.0)
        }));
    assert_eq!(next(&mut ws).await["data"]["id"], "d_2");
    assert_eq!(
        next(&mut ws).await,
        json!({"type": "revenue_point", "data": {"timestamp": "2026-02-27T10:30:02Z",
            "amount": 10.0, "cumulative": 160.0}})
    );
    let totals = next(&mut ws).await;
    assert_eq!(totals["type"], "metrics_update");
    assert_eq!(totals["data"]["revenueToday"], 160.0);
    assert_eq!(totals["data"]["subsCount"], 13);
    assert_eq!(totals["data"]["donationsPerHour"], 30.0);
    // A moment at its first trigger (building), final, then again when its clip is final.
    srv.feed.send(Update::MomentBuilding {
        id: Some(7),
        moment: moment(5025.0),
    });
    let building = next(&mut ws).await;
    assert_eq!(building["data"]["id"], 7, "{building}");
    assert_eq!(building["data"]["building"], true, "{building}");
    srv.feed.send(Update::Moment {
        id: Some(7),
        moment: moment(5025.0),
    });
    assert_eq!(
        next(&mut ws).await,
        json!({"type": "moment", "data": {"id": 7, "time": "2026-02-27T10:30:00Z",
            "offset": 5025.0, "type": "keyword", "headline": "KEYWORD BURST", "score": 12.5,
            "clipStatus": "none",
            "clipPath": null, "summary": "Keywords: CLIP (5x)", "building": false}})
    );
    srv.feed.send(Update::Clip(ClipNews {
        session: 1,
        moment_id: Some(7),
        state: ClipState::Ready {
            path: "/d/clips/m7.mp4".into(),
            duration: 30.0,
        },
        progress: None,
    }));
    let again = next(&mut ws).await;
    assert_eq!(again["data"]["id"], 7);
    assert_eq!(again["data"]["clipStatus"], "ready");
    assert_eq!(again["data"]["clipPath"], "/d/clips/m7.mp4");
    // A moment stored while the channel was offline: told apart from "not cut yet".
    srv.feed.send(Update::Moment {
        id: Some(8),
        moment: moment(5100.0),
    });
    assert_eq!(next(&mut ws).await["data"]["clipStatus"], "none");
    srv.feed.send(Update::NotRecorded { moment_id: 8 });
    let offline = next(&mut ws).await;
    assert_eq!(offline["data"]["id"], 8, "{offline}");
    assert_eq!(offline["data"]["clipStatus"], "no_recording", "{offline}");
    // Going offline: the state at once (before the engine's next tick), uptime back to zero.
    srv.feed.send(Update::WentOffline {
        at: kicktui::domain::Ts(0),
    });
    let st = next_of(&mut ws, "stream_state").await;
    assert_eq!(st["data"]["isLive"], false);
    assert_eq!(st["data"]["uptime"], "0:00:00");
    // Nothing of the stream that ended: no viewers, no engagement, no chat rate yet.
    assert_eq!(st["data"]["viewerCount"], 0, "{st}");
    assert_eq!(st["data"]["engagementScore"], 0.0, "{st}");
    assert_eq!(st["data"]["chatVelocity"], 0.0, "{st}");
    // And live again, at once.
    srv.feed.send(Update::WentLive {
        at: kicktui::domain::Ts(0),
        title: None,
        session: Some(2),
        source: kicktui::kickapi::LiveSource::Api,
        resumed: false,
    });
    let st = next_of(&mut ws, "stream_state").await;
    assert_eq!(st["data"]["isLive"], true);
    // The recording stalls: said at once (the tick is an hour away), in red.
    let stalled_at = chrono::Utc::now();
    srv.feed.send(recording(media::RecState::Stalled, 2));
    let mut rec = next_of(&mut ws, "recording").await;
    take_since(&mut rec, stalled_at);
    assert_eq!(rec["data"]["state"], "stalled", "{rec}");
    assert_eq!(rec["data"]["label"], "STALLED", "{rec}");
    assert_eq!(rec["data"]["health"], "bad", "{rec}");
    // The co-pilot's advice, as lines to read (accepting it is a TUI key).
    srv.feed.send(Update::Advice(Box::new(advice())));
    assert_eq!(
        next_of(&mut ws, "advice").await,
        json!({"type": "advice", "data": {"id": 3, "time": "2026-02-27T10:30:00Z",
            "calls": ["try react: chat is slowing", "talking point: thank the raid"],
            "text": "keep the energy up"}})
    );
    // A client that connects later gets it with the snapshot.
    let mut late = srv.connect().await;
    assert_eq!(next_of(&mut late, "advice").await["data"]["id"], 3);
}

/// A Kick channel's gifts are Kicks: `context` names the platform and carries the Kicks
/// (`metrics_update`'s fields are fixed, and its `bitsToday` stays Twitch's), and a gift's
/// Kicks go out with its totals, not a tick later.
#[tokio::test]
async fn a_kick_channel_says_so_and_its_kicks_move_with_the_gift() {
    let srv = Server::start(quiet());
    let mut kick = live_snapshot();
    kick.channel = "clavicular".into();
    kick.engage.kicks = 1200;
    srv.feed.send(Update::Snapshot(kick));
    let mut ws = srv.connect().await;
    let ctx = next_of(&mut ws, "context").await;
    assert_eq!(ctx["data"]["platform"], "kick", "{ctx}");
    assert_eq!(ctx["data"]["kicksToday"], 1200, "{ctx}");
    srv.feed
        .send(Update::Revenue(kicktui::engine::view::RevenuePoint {
            kind: "kicks".into(),
            kicks_total: 1700,
            ..point(1, 5.0, 155.0)
        }));
    let mut kinds = Vec::new();
    for _ in 0..4 {
        kinds.push(next(&mut ws).await);
    }
    let types: Vec<_> = kinds.iter().map(|m| m["type"].clone()).collect();
    assert_eq!(
        types,
        ["donation", "revenue_point", "metrics_update", "context"]
    );
    assert_eq!(kinds[2]["data"]["bitsToday"], 0, "{}", kinds[2]);
    assert_eq!(kinds[3]["data"]["kicksToday"], 1700, "{}", kinds[3]);
    let state: serde_json::Value = reqwest::get(format!("http://{}/api/state", srv.running.addr))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["platform"], "kick", "{state}");
    assert_eq!(state["kicksToday"], 1700, "{state}");
}

fn advice() -> kicktui::advisor::Advice {
    use kicktui::advisor::ToolCall;
    kicktui::advisor::Advice {
        id: Some(3),
        at: kicktui::domain::Ts(1_772_188_200_000),
        calls: vec![
            ToolCall::SuggestActivity {
                arm: "react".into(),
                reason: "chat is slowing".into(),
            },
            ToolCall::TalkingPoint {
                text: "thank the raid".into(),
            },
        ],
        text: Some("keep the energy up".into()),
        rejected: 0,
    }
}
