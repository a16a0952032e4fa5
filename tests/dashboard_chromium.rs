//! The dashboard page in a real headless Chromium, driven over the DevTools protocol: it loads,
//! numbers from a scripted stream appear and change, the recording's state shows in its colour,
//! a donation appears in the feed, moments show their clip status, and after the server goes
//! away it says so and reconnects by itself.
//! `KICKTUI_SCREENSHOT=docs/dashboard.png` also saves a screenshot (for the README).

mod serve_support;

use std::process::Stdio;
use std::time::Duration;

use futures_util::SinkExt;
use kicktui::engine::update::{ClipNews, RecorderNews, RecordingInfo, Snapshot, Update};
use kicktui::engine::view::EngageView;
use kicktui::media::{self, ClipState};
use kicktui::serve::Options;
use serde_json::{Value, json};
use serve_support::*;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_tungstenite::tungstenite::Message;

fn chromium() -> String {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        let found = std::process::Command::new("sh")
            .args(["-c", &format!("command -v {name}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if found {
            return name.into();
        }
    }
    panic!("no Chromium: scripts/test.sh installs it (apt-get install chromium)");
}

/// One DevTools connection, one page session (flattened).
struct Cdp {
    ws: Ws,
    id: u64,
    session: Option<String>,
}

impl Cdp {
    async fn call(&mut self, method: &str, params: Value) -> Value {
        let reply = self.try_call(method, params).await;
        assert!(reply.get("error").is_none(), "{method}: {reply}");
        reply["result"].clone()
    }

    /// The whole reply, an error included.
    async fn try_call(&mut self, method: &str, params: Value) -> Value {
        self.id += 1;
        let mut msg = json!({"id": self.id, "method": method, "params": params});
        if let Some(s) = &self.session {
            msg["sessionId"] = json!(s);
        }
        self.ws.send(Message::text(msg.to_string())).await.unwrap();
        loop {
            let reply = next(&mut self.ws).await;
            if reply["id"] == self.id {
                return reply;
            }
        }
    }

    /// Waits (in the page) until `cond` is true; fails after the limit with `what`.
    async fn until(&mut self, cond: &str, what: &str) {
        let expr = format!(
            "new Promise(r => {{ const t = setInterval(() => {{ try {{ if ({cond}) {{ \
             clearInterval(t); r(true); }} }} catch (e) {{}} }}, 20); }})"
        );
        let wait = async {
            loop {
                let params = json!({"expression": expr, "awaitPromise": true});
                let reply = self.try_call("Runtime.evaluate", params).await;
                // The page was (re)loading under the call: ask the new one.
                if reply.get("error").is_none() {
                    return;
                }
            }
        };
        tokio::time::timeout(LIMIT, wait)
            .await
            .unwrap_or_else(|_| panic!("the page never showed {what}"));
    }

    async fn eval(&mut self, expr: &str) -> Value {
        let r = self
            .call(
                "Runtime.evaluate",
                json!({"expression": expr, "returnByValue": true}),
            )
            .await;
        r["result"]["value"].clone()
    }
}

fn snapshot(viewers: u32, per_min: f64, engagement: f64, uptime: f64) -> Update {
    Update::Snapshot(Snapshot {
        channel: "clavicular".into(),
        live: true,
        viewers: Some(viewers),
        uptime_s: Some(uptime),
        engage: Box::new(EngageView {
            activity: Some("gameplay".into()),
            suggestion: Some("q_and_a".into()),
            engagement: Some(engagement),
            chat_per_min: per_min,
            revenue_usd: 42.5,
            subs: 3,
            // A Kick channel: its viewers gift Kicks, never bits.
            kicks: 1250,
            donations_per_hour: 18.0,
            context: Some(format!(
                "Stream state: {viewers} viewers, chat velocity {per_min:.1} msg/min, \
                 engagement {engagement:.1}/100. Bandit suggests: q_and_a. Current activity: \
                 gameplay."
            )),
            ..EngageView::default()
        }),
        ..Snapshot::default()
    })
}

fn recording(state: media::RecState, part: u32, bytes: u64) -> Update {
    Update::Recording(RecordingInfo {
        session: 1,
        state,
        part,
        path: Some(format!("/home/me/rec/clavicular_s001_p{part}.ts").into()),
        bytes,
        mb_per_min: 12.3,
        ..RecordingInfo::default()
    })
}

/// The recording pill's words and background colour.
const REC: &str = "$('rec').textContent + ' | ' + getComputedStyle($('rec')).backgroundColor";
const GREEN: &str = "rgb(83, 252, 24)";
const RED: &str = "rgb(248, 81, 73)";
const GREY: &str = "rgb(48, 54, 61)";

/// Moment `id`, `id` seconds into the list's story (the page orders moments by time).
fn moment_at(id: i64) -> kicktui::domain::Moment {
    let mut m = moment(3700.0 + id as f64);
    m.at = kicktui::domain::Ts(1_772_188_200_000 + id * 1000);
    m
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = s
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= u32::from(val(*c)) << (18 - 6 * i);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len() - 1]);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_shows_a_scripted_stream_live_and_reconnects() {
    let opts = || Options {
        tick: Duration::from_millis(100),
        ..Options::default()
    };
    let mut srv = Server::start(opts());
    let addr = srv.running.addr;
    srv.feed.send(snapshot(42, 120.0, 55.0, 3725.0));
    srv.feed.send(Update::Recorder(RecorderNews::Armed));
    srv.feed
        .send(recording(media::RecState::Recording, 2, 45_200_000));
    let dir = tempfile::tempdir().unwrap();
    let mut browser = tokio::process::Command::new(chromium())
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--remote-debugging-port=0",
            "--window-size=1280,900",
        ])
        .arg(format!("--user-data-dir={}", dir.path().display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("chromium starts");
    let mut err = BufReader::new(browser.stderr.take().unwrap()).lines();
    let devtools = tokio::time::timeout(LIMIT, async {
        while let Ok(Some(l)) = err.next_line().await {
            if let Some(url) = l.strip_prefix("DevTools listening on ") {
                return url.trim().to_string();
            }
        }
        panic!("chromium did not start its DevTools endpoint");
    })
    .await
    .expect("chromium in time");
    // Keep reading its stderr so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = err.next_line().await {} });
    let (ws, _) = tokio_tungstenite::connect_async(&devtools).await.unwrap();
    let mut cdp = Cdp {
        ws,
        id: 0,
        session: None,
    };
    let target = cdp
        .call(
            "Target.createTarget",
            json!({"url": format!("http://{addr}/")}),
        )
        .await;
    let attached = cdp
        .call(
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        )
        .await;
    cdp.session = attached["sessionId"].as_str().map(String::from);

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

    if let Ok(path) = std::env::var("KICKTUI_SCREENSHOT") {
        screenshot_story(&srv, &mut cdp, &path).await;
    }

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
    let _ = browser.kill().await;
}

/// A livelier stream for the README's picture, then the screenshot.
async fn screenshot_story(srv: &Server, cdp: &mut Cdp, path: &str) {
    let names = [
        "mira",
        "tofu_lord",
        "xqcfan",
        "night_owl",
        "kappa_kid",
        "ray",
    ];
    // On from the points the test sent before (the last: 77.5 at 101 s).
    let mut cumulative = 77.5;
    for i in 0..60u32 {
        let t = f64::from(i);
        let per_min = 150.0 + 120.0 * (t / 6.0).sin().abs() + if i > 45 { 200.0 } else { 0.0 };
        let engagement = 50.0 + 20.0 * (t / 9.0).sin() + if i > 45 { 20.0 } else { 0.0 };
        let mut snap = snapshot(57 + i, per_min, engagement, 3727.0 + t * 2.0);
        if let Update::Snapshot(s) = &mut snap {
            s.engage.revenue_usd = cumulative;
            s.engage.subs = 3 + u64::from(i / 14);
        }
        srv.feed.send(snap);
        if i % 7 == 3 {
            let amount = f64::from(1 + i % 5) * 2.5;
            cumulative += amount;
            srv.feed
                .send(Update::Revenue(kicktui::engine::view::RevenuePoint {
                    username: names[(i % 6) as usize].into(),
                    kind: ["donation", "kicks", "sub", "gifted_subs"][(i % 4) as usize].into(),
                    ..point(u64::from(i) * 3 + 110, amount, cumulative)
                }));
        }
        if i % 15 == 14 {
            let id = 10 + i64::from(i);
            let mut m = moment(3700.0 + t * 2.0);
            m.at = m.at.plus_secs(t * 2.0);
            m.score = 10.0 + t / 3.0;
            srv.feed.send(Update::Moment {
                id: Some(id),
                moment: m,
            });
            srv.feed.send(Update::Clip(ClipNews {
                session: 1,
                moment_id: Some(id),
                state: if i < 40 {
                    ClipState::Ready {
                        path: format!("/d/clips/m{id}.mp4").into(),
                        duration: 30.0,
                    }
                } else {
                    ClipState::Cutting
                },
                progress: None,
            }));
        }
        // Let a tick draw this point (only for the picture).
        tokio::time::sleep(Duration::from_millis(110)).await;
    }
    let shot = cdp
        .call("Page.captureScreenshot", json!({"format": "png"}))
        .await;
    std::fs::write(path, base64_decode(shot["data"].as_str().unwrap())).unwrap();
}
