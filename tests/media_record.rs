//! The recorder and the clipper against real streamlink and ffmpeg on a local live stream.

mod media_support;

use std::time::Duration;

use kicktui::media::cut::cut_pieces;
use kicktui::media::hls_source::HlsSource;
use kicktui::media::timeline::{plan, spans_from_parts};
use kicktui::media::{RecState, Recorder, SessionInfo, Tools};
use kicktui::time::wall_now;
use media_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_and_clip_smoke() {
    let tmp = tempfile::tempdir().unwrap();
    let src_dir = tmp.path().join("hls");
    std::fs::create_dir_all(&src_dir).unwrap();
    let mut src = HlsSource::start(&src_dir, "ffmpeg").await.unwrap();
    assert!(src.wait_segments(3, Duration::from_secs(15)).await);
    let (_live, check) = live_switch();
    let rec = Recorder::start(
        config(&src.url(), tmp.path()),
        SessionInfo { id: 1 },
        None,
        check,
    );
    let mut rx = rec.status();
    let st = wait_for(&mut rx, Duration::from_secs(10), "recording", |s| {
        s.state == RecState::Recording
    })
    .await;
    println!("{:#?}", st.parts);
    let st = wait_for(&mut rx, Duration::from_secs(40), "25 s of content", |s| {
        s.parts.last().is_some_and(|p| p.content_s >= 25.0)
    })
    .await;
    println!("{}", st.health_line());
    let now = wall_now();
    let spans = spans_from_parts(&st.parts);
    let start = now.plus_secs(-20.0);
    let end = now.plus_secs(-10.0);
    let pieces = plan(&spans, start, end);
    println!("{pieces:?}");
    let tools = Tools {
        ffmpeg: "ffmpeg".into(),
        ffprobe: "ffprobe".into(),
    };
    let out = tmp.path().join("clip.mp4");
    let t0 = std::time::Instant::now();
    let res = cut_pieces(&tools, &pieces, &out).await.unwrap();
    println!("{res:?} in {:?}", t0.elapsed());
    let rec_path = st.parts[0].path.clone();
    let (a, b) = clip_wall_range(&out, &[&rec_path], now);
    println!(
        "asked {} .. {}, got {} .. {}",
        start.to_rfc3339(),
        end.to_rfc3339(),
        a.to_rfc3339(),
        b.to_rfc3339()
    );
    let final_st = rec.stop().await;
    println!("{:?}", final_st.state);
    src.stop().await;
}
