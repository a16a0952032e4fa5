//! What each event's alert says, to the targets that asked for it: a cheer named a cheer, a
//! clip ready once its file is final (or short), a stalled recording, a filling disk.

use kicktui::domain::{DonationData, TriggerData, TriggerType};
use kicktui::engine::feed::Feed;
use kicktui::engine::update::{ClipNews, RecorderNews, Snapshot, Update};
use kicktui::media::ClipState;
use kicktui::notify::{self, Target};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::{Receiver, events, fast, named, serve_support};

/// A Twitch cheer is stored as a `donation` moment: the alert keeps that `type` and names it
/// as the TUI, log and dashboard do (`headline`: `CHEER`), in its data and its words.
#[tokio::test]
async fn a_cheer_moment_is_named_a_cheer_in_the_alert() {
    let mut rx = Receiver::start().await;
    let feed = Feed::new();
    let cancel = CancellationToken::new();
    let targets = vec![
        (Target::Webhook(rx.url("hook")), events(&["moment"])),
        (Target::Discord(rx.url("discord")), events(&["moment"])),
    ];
    notify::spawn(targets, &feed, fast(), cancel.clone()).unwrap();
    feed.send(Update::Snapshot(Snapshot {
        channel: "twitch:clavicular".into(),
        ..Snapshot::default()
    }));
    let mut cheer = serve_support::moment(5025.0);
    cheer.trigger_type = TriggerType::Donation;
    cheer.triggers[0].kind = TriggerType::Donation;
    cheer.triggers[0].data = TriggerData::Donation(DonationData {
        amount_usd: 10.0,
        bits: Some(1000),
        kicks: None,
        username: "fan".into(),
    });
    feed.send(Update::Moment {
        id: Some(9),
        moment: cheer,
    });
    let mut got = Vec::new();
    for _ in 0..2 {
        let (name, body, _) = rx.next().await;
        got.push((name, body));
    }
    got.sort_by(|a, b| a.0.cmp(&b.0));
    let content = got[0].1["content"].as_str().unwrap_or_default();
    assert!(
        content.starts_with("twitch:clavicular: CHEER at 1h 23m 45s: "),
        "{content}"
    );
    let data = &got[1].1["data"];
    assert_eq!(
        (&data["type"], &data["headline"]),
        (&json!("donation"), &json!("CHEER")),
        "{data}"
    );
    cancel.cancel();
}

#[tokio::test]
async fn clip_ready_comes_once_the_file_is_final_with_its_details() {
    let mut rx = Receiver::start().await;
    let feed = Feed::new();
    let cancel = CancellationToken::new();
    let targets = vec![
        (
            Target::Webhook(rx.url("hook")),
            events(&["clip_ready", "moment"]),
        ),
        (
            Target::Discord(rx.url("discord")),
            events(&["clip_ready", "recording_stalled"]),
        ),
    ];
    notify::spawn(targets, &feed, fast(), cancel.clone()).unwrap();
    named(&feed);
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("clavicular_s001_m3.mp4");
    std::fs::write(&clip, vec![0u8; 1_234_567]).unwrap();
    // As the engine sends it: shown while building, then final with the same id. The alert
    // comes once, when final; the same final update again is not a second one.
    feed.send(Update::MomentBuilding {
        id: Some(3),
        moment: serve_support::moment(5025.0),
    });
    for _ in 0..2 {
        feed.send(Update::Moment {
            id: Some(3),
            moment: serve_support::moment(5025.0),
        });
    }
    let (name, m, _) = rx.next().await;
    assert_eq!(name, "hook");
    assert_eq!(m["event"], "moment");
    assert_eq!(
        m["text"],
        "clavicular: KEYWORD BURST at 1h 23m 45s: Keywords: CLIP (5x)"
    );
    let news_of = |id, state| {
        Update::Clip(ClipNews {
            session: 1,
            moment_id: Some(id),
            state,
            progress: None,
        })
    };
    let clip_news = |state| news_of(3, state);
    feed.send(clip_news(ClipState::Queued));
    feed.send(clip_news(ClipState::Cutting));
    feed.send(clip_news(ClipState::Ready {
        path: clip.clone(),
        duration: 30.0,
    }));
    // The same news again is not a second alert.
    feed.send(clip_news(ClipState::Ready {
        path: clip.clone(),
        duration: 30.0,
    }));
    feed.send(Update::Recorder(RecorderNews::Stalled { after_s: 20 }));
    let mut got = Vec::new();
    for _ in 0..3 {
        let (name, body, _) = rx.next().await;
        got.push((name, body));
    }
    got.sort_by(|a, b| a.0.cmp(&b.0));
    let path = clip.display().to_string();
    assert_eq!(got[0].0, "discord");
    assert_eq!(
        got[0].1["content"],
        format!("clavicular: Clip ready: KEYWORD BURST at 1h 23m 45s → {path} (1.2 MB)")
    );
    assert_eq!(got[1].0, "discord");
    assert_eq!(
        got[1].1["content"],
        "Recording of clavicular STALLED: no growth for 20 s; restarting"
    );
    assert_eq!(got[2].0, "hook");
    assert_eq!(
        got[2].1["data"],
        json!({"channel": "clavicular", "momentId": 3, "time": "2026-02-27T10:30:00Z",
            "offset": 5025.0, "type": "keyword", "headline": "KEYWORD BURST", "path": path,
            "bytes": 1_234_567,
            "status": "ready", "durationS": 30.0, "askedS": null, "why": null})
    );
    // A short clip says so, in words and in data.
    feed.send(Update::Moment {
        id: Some(4),
        moment: serve_support::moment(5025.0),
    });
    feed.send(news_of(
        4,
        ClipState::Short {
            path: clip.clone(),
            duration: 43.1,
            asked: 55.0,
            why: Some("the disk was full".into()),
        },
    ));
    let mut got = Vec::new();
    for _ in 0..3 {
        let (name, body, _) = rx.next().await;
        got.push((name, body));
    }
    let short = got.iter().find(|(n, _)| n == "discord").expect("discord");
    assert!(
        short.1["content"].as_str().unwrap().starts_with(
            "clavicular: Clip ready but SHORT (43 of 55 s, the disk was full): KEYWORD BURST"
        ),
        "{}",
        short.1
    );
    let data = &got
        .iter()
        .find(|(n, b)| n == "hook" && b["event"] == "clip_ready")
        .expect("hook")
        .1["data"];
    assert_eq!(
        (&data["status"], &data["askedS"], &data["why"]),
        (&json!("short"), &json!(55.0), &json!("the disk was full"))
    );
    cancel.cancel();
    assert!(rx.seen.try_recv().is_err(), "no other request");
}

/// The recordings' disk filling up reaches Discord (a streamer away from the terminal hears of
/// it in time) and the webhook with its numbers.
#[tokio::test]
async fn a_filling_disk_is_a_disk_low_alert() {
    let mut rx = Receiver::start().await;
    let feed = Feed::new();
    let cancel = CancellationToken::new();
    let targets = vec![
        (Target::Discord(rx.url("discord")), events(&["disk_low"])),
        (Target::Webhook(rx.url("hook")), events(&["disk_low"])),
    ];
    notify::spawn(targets, &feed, fast(), cancel.clone()).unwrap();
    named(&feed);
    feed.send(Update::Recorder(RecorderNews::DiskLow {
        free_bytes: 2_100_000_000,
        minutes_left: 28.0,
        mb_per_min: 75.0,
    }));
    let mut got = [rx.next().await, rx.next().await];
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got[0].1["content"],
        "Recording of clavicular: the disk has 2.1 GB free, about 28m 00s at 75.0 MB/min; free \
         some space"
    );
    assert_eq!(got[1].1["event"], "disk_low");
    assert_eq!(
        got[1].1["data"],
        json!({"channel": "clavicular", "freeBytes": 2_100_000_000u64, "minutesLeft": 28.0,
            "mbPerMin": 75.0})
    );
    cancel.cancel();
}
