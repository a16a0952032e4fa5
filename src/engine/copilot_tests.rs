//! The co-pilot's wiring with the chat voice on (the advisor off) against the fake Kick chat:
//! its commands are answered and the rest pass through to the engine, a saved clip and an
//! approved advisor line are posted, `!clip` gets an answer.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{CopilotCmd, chat_line, start};
use crate::bot::tests::{config, login_by_paste};
use crate::domain::{
    ClipRequestsData, KeywordData, Moment, MomentSource, Trigger, TriggerData, TriggerType, Ts,
};
use crate::engine::feed::Feed;
use crate::engine::runner::Command;
use crate::engine::update::{ClipNews, Update};
use crate::fake::kick_chat::FakeKickChat;
use crate::media::ClipState;
use crate::store::{StoreWriter, db_path};

fn clip_request() -> Moment {
    Moment {
        at: Ts(1_000),
        offset_s: 754.0,
        trigger_type: TriggerType::Keyword,
        triggers: vec![Trigger {
            kind: TriggerType::Keyword,
            at: Ts(1_000),
            strength: 6.0,
            data: TriggerData::ClipRequests(ClipRequestsData { viewers: 3 }),
        }],
        score: 6.0,
        source: MomentSource::Auto,
        clip_start: Ts(0),
        clip_end: Ts(2_000),
    }
}

#[test]
fn clips_and_clip_requests_get_a_chat_line_and_nothing_else_does() {
    let m = clip_request();
    assert_eq!(
        chat_line(
            &Update::Moment {
                id: Some(4),
                moment: m.clone()
            },
            true
        )
        .as_deref(),
        Some("Clip requested by chat: marked at 0:12:34, the clip follows")
    );
    // Not recording: no clip is promised.
    assert_eq!(
        chat_line(
            &Update::Moment {
                id: Some(4),
                moment: m.clone()
            },
            false
        )
        .as_deref(),
        Some("Clip requested by chat: marked at 0:12:34 (not recording, so no clip)")
    );
    let mut plain = m;
    plain.triggers[0].data = TriggerData::Keyword(KeywordData {
        count: 5,
        keyword: "CLIP".into(),
    });
    assert_eq!(
        chat_line(
            &Update::Moment {
                id: Some(5),
                moment: plain
            },
            true
        ),
        None
    );
    assert_eq!(chat_line(&Update::Note("x".into()), true), None);
}

#[tokio::test]
async fn commands_pass_through_and_the_chat_voice_posts_clips_and_approved_lines() {
    let fake = FakeKickChat::start("01TESTCLIENT", "app-secret", 7200)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    login_by_paste(&fake, dir.path()).await;
    let mut cfg = config(&fake);
    cfg.bot.max_per_minute = 10;
    let writer = StoreWriter::spawn(&db_path(dir.path())).unwrap();
    let feed = Feed::new();
    let mut notes = feed.subscribe();
    let (tx, rx) = mpsc::channel(8);
    let tasks = CancellationToken::new();
    let mut engine = start(&cfg, dir.path(), &feed, &writer.handle(), rx, tasks.clone()).commands;
    let next = async |engine: &mut mpsc::Receiver<Command>| {
        tokio::time::timeout(Duration::from_secs(5), engine.recv())
            .await
            .unwrap()
    };

    tx.send(Command::Copilot(CopilotCmd::ApproveChat("GG chat".into())))
        .await
        .unwrap();
    tx.send(Command::Copilot(CopilotCmd::AskNow)).await.unwrap();
    tx.send(Command::Copilot(CopilotCmd::MarkMoment {
        at: Ts(7),
        reason: "that play".into(),
    }))
    .await
    .unwrap();
    assert_eq!(
        next(&mut engine).await,
        Some(Command::MarkMoment {
            at: Ts(7),
            note: Some("advisor: that play".into())
        })
    );
    feed.send(Update::Clip(ClipNews {
        session: 1,
        moment_id: Some(3),
        state: ClipState::Ready {
            path: "/clips/a.mp4".into(),
            duration: 30.0,
        },
        progress: None,
    }));
    feed.send(Update::Moment {
        id: Some(4),
        moment: clip_request(),
    });
    tx.send(Command::Quit).await.unwrap();
    assert_eq!(next(&mut engine).await, Some(Command::Quit));

    let mut posted = Vec::new();
    let mut said_off = false;
    tokio::time::timeout(Duration::from_secs(10), async {
        while posted.len() < 3 || !said_off {
            match notes.recv().await {
                Some(Update::Note(n)) if n.starts_with("Chat voice posted: ") => posted.push(n),
                Some(Update::Note(n)) if n.contains("the advisor is off") => said_off = true,
                Some(_) => {}
                None => break,
            }
        }
    })
    .await
    .unwrap();
    // In any order: confirmations go before advisor lines once both wait in the queue.
    let mut texts: Vec<String> = fake.posts().into_iter().map(|p| p.content).collect();
    texts.sort();
    assert_eq!(
        texts,
        [
            "Clip requested by chat: marked at 0:12:34, the clip follows",
            "Clip saved (30 s)",
            "GG chat",
        ]
    );
    drop(tx);
    assert_eq!(next(&mut engine).await, None, "ends with the front end");
    tasks.cancel();
}
