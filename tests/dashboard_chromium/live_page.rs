//! The live page from the first snapshot on: its numbers and tiles, the recording's state in
//! its colour, then the stream moving on (numbers, charts, a donation, a moment and its clip,
//! the co-pilot's advice).

use kicktui::engine::update::{ClipNews, Update};
use kicktui::media::{self, ClipState};

use crate::browser::Cdp;
use crate::serve_support::*;
use crate::{GREEN, REC, RED, recording, snapshot};

pub async fn the_first_numbers_and_the_recording(srv: &Server, cdp: &mut Cdp) {
    // Loaded, connected, the snapshot's numbers shown.
    cdp.until(
        "document.body.dataset.conn === 'live data'",
        "the connection",
    )
    .await;
    cdp.until("$('viewers').textContent === '42'", "42 viewers")
        .await;
    assert_eq!(cdp.eval("$('live').textContent").await, "LIVE");
    assert_eq!(cdp.eval("$('uptime').textContent").await, "1:02:05");
    assert_eq!(cdp.eval("$('revenue').textContent").await, "$42.50");
    assert_eq!(cdp.eval("$('suggestion').textContent").await, "q_and_a");
    assert_eq!(cdp.eval("$('channel').textContent").await, "clavicular");
    assert_eq!(cdp.eval("document.title").await, "clavicular · kicktui");
    // The tiles say what the numbers are: Kick's gifts are Kicks, and the hourly rate is all
    // the money (subs, Kicks and donations), not donations alone.
    cdp.until(
        "$('subs').parentElement.textContent === '3 · 1250'",
        "3 subs and 1250 Kicks",
    )
    .await;
    assert_eq!(
        cdp.eval(
            "[...document.querySelectorAll('.card .label')].map((l) => l.textContent).join(' | ')"
        )
        .await,
        "Viewers | Uptime | Chat (msg/min) | Engagement | Revenue | Subs · Kicks | Revenue / hour"
    );

    // The recording at a glance: green while it records, its part, file and size beside it.
    cdp.until(
        &format!("{REC} === '● REC | {GREEN}'"),
        "the recording in green",
    )
    .await;
    let detail = cdp.eval("$('rec-detail').textContent").await;
    let detail = detail.as_str().unwrap_or_default();
    assert!(
        detail.starts_with("part 2 · clavicular_s001_p2.ts · 45.2 MB · 12.3 MB/min · since "),
        "{detail}"
    );
    // It stalls, then the stream freezes: red, in the TUI's words.
    srv.feed
        .send(recording(media::RecState::Stalled, 2, 45_200_000));
    cdp.until(
        &format!("{REC} === 'rec: STALLED | {RED}'"),
        "the recording STALLED in red",
    )
    .await;
    srv.feed
        .send(recording(media::RecState::Frozen, 2, 45_200_000));
    cdp.until(
        &format!("{REC} === 'rec: FROZEN: no new video | {RED}'"),
        "the recording FROZEN in red",
    )
    .await;
    // Video again, in a new part.
    srv.feed
        .send(recording(media::RecState::Recording, 3, 46_000_000));
    cdp.until(
        &format!(
            "{REC} === '● REC | {GREEN}' && $('rec-detail').textContent.startsWith('part 3 ·')"
        ),
        "the recording back in part 3",
    )
    .await;
}

pub async fn the_stream_moves_on(srv: &Server, cdp: &mut Cdp) {
    // The stream moves on: numbers change, the charts grow, a donation and a moment arrive.
    srv.feed.send(snapshot(57, 310.0, 72.5, 3727.0));
    srv.feed
        .send(Update::Revenue(kicktui::engine::view::RevenuePoint {
            username: "big_donor".into(),
            ..point(1, 25.0, 67.5)
        }));
    srv.feed.send(Update::Moment {
        id: Some(4),
        moment: moment(3700.0),
    });
    cdp.until("$('viewers').textContent === '57'", "57 viewers")
        .await;
    cdp.until("$('velocity').textContent === '310.0'", "the new velocity")
        .await;
    cdp.until(
        "$('donations').textContent.includes('big_donor')",
        "the donation",
    )
    .await;
    assert!(
        cdp.eval("$('donations').textContent")
            .await
            .as_str()
            .unwrap()
            .contains("$25.00")
    );
    // Charts are drawn at the next frame.
    cdp.until(
        "+$('chart-velocity').dataset.points >= 2",
        "the velocity chart",
    )
    .await;
    // Two more gifts, 10 s and 100 s after the first: the money chart spaces them by time
    // (and holds the total flat between them), not one step per gift.
    srv.feed.send(Update::Revenue(point(11, 5.0, 72.5)));
    srv.feed.send(Update::Revenue(point(101, 5.0, 77.5)));
    cdp.until(
        "$('chart-revenue').dataset.points === '3'",
        "three revenue points",
    )
    .await;
    let xs = cdp
        .eval(
            "[...new Set($('chart-revenue').querySelector('polyline').getAttribute('points')\
             .split(' ').map((p) => p.split(',')[0]))].join(' ')",
        )
        .await;
    assert_eq!(xs, "0.0 30.0 300.0", "revenue x by time");
    cdp.until(
        "$('moments').textContent.includes('Keywords: CLIP (5x)')",
        "the moment",
    )
    .await;
    // Where it is in the stream, as `kicktui clip --start` takes it, beside the wall clock.
    assert_eq!(
        cdp.eval("[...$('moments').tHead.rows[0].cells].map((c) => c.textContent).join(' | ')")
            .await,
        "Time | Stream | Type | Score | Clip | What"
    );
    assert_eq!(
        cdp.eval("$('moments').tBodies[0].rows[0].cells[1].textContent")
            .await,
        "1:01:40"
    );
    // Named as the TUI and the reports name it, not by its stored kind (`keyword`).
    let names = cdp.eval("$('moments').textContent").await;
    assert!(
        names.as_str().is_some_and(|t| t.contains("keyword burst")),
        "{names}"
    );
    // Not asked for yet reads as the TUI's "–", not as the protocol's "none".
    assert_eq!(
        cdp.eval("document.querySelector('#moments td.clip-none').textContent")
            .await,
        "–"
    );
    srv.feed.send(Update::Clip(ClipNews {
        session: 1,
        moment_id: Some(4),
        state: ClipState::Ready {
            path: "/d/clips/m4.mp4".into(),
            duration: 30.0,
        },
        progress: None,
    }));
    cdp.until(
        "document.querySelector('#moments td.clip-ready') !== null",
        "the clip ready",
    )
    .await;
    // The co-pilot's advice gets a panel of its own (hidden until there is some).
    assert_eq!(cdp.eval("$('advice').hidden").await, true);
    srv.feed
        .send(Update::Advice(Box::new(kicktui::advisor::Advice {
            id: Some(1),
            at: kicktui::domain::Ts(1_772_188_200_000),
            calls: vec![kicktui::advisor::ToolCall::SuggestActivity {
                arm: "react".into(),
                reason: "chat is slowing".into(),
            }],
            text: Some("keep the energy up".into()),
            rejected: 0,
        })));
    cdp.until(
        "!$('advice').hidden && $('advice-calls').textContent === 'try react: chat is slowing'",
        "the advice",
    )
    .await;
    assert_eq!(
        cdp.eval("$('advice-text').textContent").await,
        "keep the energy up"
    );
}
