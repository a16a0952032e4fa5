//! The page after the first run: a reload keeps the charts; the server goes away and a new
//! run comes back (its own platform, no old money, advice or recording); the list keeps the
//! newest 100 moments; a second stream starts its money from zero; a locked server asks for
//! its token.

use kicktui::engine::update::{RecorderNews, Update};

use crate::browser::Cdp;
use crate::serve_support::*;
use crate::{GREY, REC, moment_at, opts, snapshot};

pub async fn a_reload_keeps_the_charts(cdp: &mut Cdp) {
    // A reload keeps the charts: the server sends the points it kept before anything else.
    let points = "+$('chart-velocity').dataset.points";
    cdp.until(&format!("{points} >= 10"), "ten chart points")
        .await;
    let before = cdp.eval(points).await.as_f64().unwrap_or(0.0);
    cdp.eval("window.oldPage = true; setTimeout(() => location.reload(), 0)")
        .await;
    // The points come with the snapshot (after the socket opens): wait for them, then count.
    cdp.until(
        "!window.oldPage && document.body.dataset.history !== undefined",
        "the reloaded page's chart points",
    )
    .await;
    let after = cdp.eval(points).await.as_f64().unwrap_or(0.0);
    assert!(
        after >= before,
        "{after} chart points after a reload, {before} before"
    );
}

/// Returns the new run's server.
pub async fn the_server_goes_away_and_comes_back(srv: &mut Server, cdp: &mut Cdp) -> Server {
    let addr = srv.running.addr;
    // The server goes away: the page says so, and comes back by itself.
    srv.cancel.cancel();
    (&mut srv.running.task).await.unwrap();
    cdp.until(
        "document.body.dataset.conn.startsWith('reconnecting')",
        "reconnecting",
    )
    .await;
    // The last numbers stay, greyed: they are not live any more.
    let dim = cdp
        .eval("getComputedStyle(document.querySelector('main')).opacity")
        .await;
    assert_eq!(dim, "0.45");
    let again = Server::start_at(addr, opts());
    // This run watches a Twitch channel: its viewers cheer bits.
    let mut twitch = snapshot(61, 100.0, 40.0, 3800.0);
    if let Update::Snapshot(s) = &mut twitch {
        s.channel = "twitch:clavicular".into();
        (s.engage.kicks, s.engage.bits) = (0, 500);
    }
    again.feed.send(twitch);
    cdp.until(
        "document.body.dataset.conn === 'live data'",
        "the reconnection",
    )
    .await;
    cdp.until(
        "$('viewers').textContent === '61'",
        "61 viewers after reconnecting",
    )
    .await;
    cdp.until(
        "$('gifts-label').textContent === 'Subs · Bits' \
         && $('subs').parentElement.textContent === '3 · 500'",
        "3 subs and 500 bits on Twitch",
    )
    .await;
    // A new run with no money yet: the old run's revenue line is gone, not kept until the
    // first new donation.
    assert_eq!(
        cdp.eval("$('chart-revenue').dataset.points").await,
        "0",
        "revenue chart points after reconnecting to a run with none"
    );
    // Nor is the old run's advice kept.
    assert_eq!(cdp.eval("$('advice').hidden").await, true);
    // Nor its recording: this run has not said yet whether it records; then it does not.
    cdp.until(
        &format!("{REC} === 'rec: unknown | {GREY}'"),
        "the recording unknown",
    )
    .await;
    assert_eq!(cdp.eval("$('rec-detail').textContent").await, "");
    again.feed.send(Update::Recorder(RecorderNews::Disabled));
    cdp.until(
        &format!("{REC} === 'rec: not recording | {GREY}'"),
        "recording off (--no-record)",
    )
    .await;
    again
}

pub async fn the_list_keeps_the_newest_moments(again: &Server, cdp: &mut Cdp) {
    // The list keeps the newest 100 moments, as a reload would show; a late word about an
    // older one (its clip cut at the end) keeps its place.
    for id in 1..=105 {
        again.feed.send(Update::Moment {
            id: Some(id),
            moment: moment_at(id),
        });
    }
    let rows = "[...$('moments').tBodies[0].rows].map((r) => r.dataset.id).join(',')";
    cdp.until(
        &format!("{rows}.startsWith('105,104,') && {rows}.endsWith(',7,6')"),
        "the newest 100 moments",
    )
    .await;
    again.feed.send(Update::Moment {
        id: Some(50),
        moment: moment_at(50),
    });
    again.feed.send(Update::Moment {
        id: Some(3),
        moment: moment_at(3),
    });
    again.feed.send(Update::Moment {
        id: Some(106),
        moment: moment_at(106),
    });
    cdp.until(&format!("{rows}.startsWith('106,105,')"), "the next moment")
        .await;
    let order = cdp.eval(rows).await;
    let ids: Vec<i64> = order
        .as_str()
        .unwrap()
        .split(',')
        .map(|i| i.parse().unwrap())
        .collect();
    assert_eq!(ids, (7..=106).rev().collect::<Vec<_>>(), "{order}");
    // One the database did not keep (no id) does not stay on top of the ones after it.
    again.feed.send(Update::Moment {
        id: None,
        moment: moment_at(107),
    });
    again.feed.send(Update::Moment {
        id: Some(108),
        moment: moment_at(108),
    });
    cdp.until(
        &format!("{rows}.startsWith('108,,106,')"),
        "the unsaved moment in its place",
    )
    .await;
}

pub async fn a_second_stream_starts_its_money_from_zero(again: &Server, cdp: &mut Cdp) {
    // A second stream in the same run: its money starts from zero on the open page too.
    let live = |session| Update::WentLive {
        at: kicktui::domain::Ts(0),
        title: None,
        session: Some(session),
        source: kicktui::kickapi::LiveSource::Api,
        resumed: false,
    };
    again.feed.send(live(1));
    again
        .feed
        .send(Update::Revenue(kicktui::engine::view::RevenuePoint {
            username: "first_stream_donor".into(),
            ..point(1, 5.0, 5.0)
        }));
    cdp.until(
        "$('donations').textContent.includes('first_stream_donor')",
        "the first stream's donation",
    )
    .await;
    again.feed.send(live(2));
    cdp.until(
        "$('donations').textContent === '' && $('chart-revenue').dataset.points === '0'",
        "the second stream's empty money",
    )
    .await;
}

/// Returns the locked server, which the page is left on.
pub async fn a_locked_dashboard_names_the_missing_token(cdp: &mut Cdp) -> Server {
    // A dashboard with a token, opened without it, says what is missing.
    let locked = Server::start(opts().with_token("s3cret"));
    locked.feed.send(snapshot(7, 10.0, 50.0, 60.0));
    let at = locked.running.addr;
    cdp.eval(&format!("location.href = 'http://{at}/'")).await;
    cdp.until(
        "(document.body.dataset.conn || '').startsWith('this dashboard needs its token')",
        "the missing token named",
    )
    .await;
    cdp.eval(&format!("location.href = 'http://{at}/?token=s3cret'"))
        .await;
    cdp.until(
        "document.body.dataset.conn === 'live data' && $('viewers').textContent === '7'",
        "the page with its token",
    )
    .await;
    locked
}
