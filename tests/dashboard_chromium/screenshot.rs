//! `KICKTUI_SCREENSHOT=docs/dashboard.png`: a livelier stream for the README's picture, then
//! the screenshot.

use std::time::Duration;

use kicktui::engine::update::{ClipNews, Update};
use kicktui::media::ClipState;
use serde_json::json;

use crate::browser::Cdp;
use crate::serve_support::*;
use crate::snapshot;

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

/// A livelier stream for the README's picture, then the screenshot.
pub async fn screenshot_story(srv: &Server, cdp: &mut Cdp, path: &str) {
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
