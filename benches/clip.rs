//! Clip speed and recording cost, with the real programs.
//!
//! 1. A 60 s clip at 1:30:00 of a 2-hour recording (640x360@30, 600k + 64k, like media.md),
//!    timed from "its window is recorded" (the clipper's ffprobe check) to the renamed,
//!    measured .mp4. The 2-hour file is made once (60 s encoded, then 120 copies joined
//!    without re-encoding) and kept under target/clip-bench/.
//! 2. CPU while recording a local live stream for 20 s: streamlink's own, and this process's
//!    with and without the recorder running (the difference is what recording costs us).
//!
//! `cargo bench --bench clip`

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kicktui::media::cut::cut_pieces;
use kicktui::media::hls_source::HlsSource;
use kicktui::media::timeline::Piece;
use kicktui::media::{LiveCheck, Recorder, RecorderConfig, SessionInfo, Tools, probe};

fn ffmpeg(args: &[&str]) {
    let st = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-loglevel", "error", "-y"])
        .args(args)
        .status()
        .expect("ffmpeg runs");
    assert!(st.success(), "ffmpeg {args:?}");
}

/// The 2-hour TS, made once.
fn two_hour_file(dir: &Path) -> PathBuf {
    let out = dir.join("rec_2h.ts");
    if out.metadata().is_ok_and(|m| m.len() > 100_000_000) {
        return out;
    }
    std::fs::create_dir_all(dir).expect("bench dir");
    let dir = &std::path::absolute(dir).expect("absolute dir");
    let out = dir.join("rec_2h.ts");
    let t0 = Instant::now();
    let one = dir.join("one_minute.ts");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=640x360:rate=30",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=48000",
        "-t",
        "60",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-b:v",
        "600k",
        "-g",
        "60",
        "-keyint_min",
        "60",
        "-sc_threshold",
        "0",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "64k",
        "-f",
        "mpegts",
        &one.to_string_lossy(),
    ]);
    let list = dir.join("list.txt");
    let line = format!("file '{}'\n", one.to_string_lossy());
    std::fs::write(&list, line.repeat(120)).expect("list");
    ffmpeg(&[
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        &list.to_string_lossy(),
        "-c",
        "copy",
        "-f",
        "mpegts",
        &out.to_string_lossy(),
    ]);
    let mb = out.metadata().map_or(0, |m| m.len()) / 1_000_000;
    println!(
        "made {} ({mb} MB) in {:.1} s",
        out.display(),
        t0.elapsed().as_secs_f64()
    );
    out
}

fn cpu_secs(stat_path: &str) -> f64 {
    let stat = std::fs::read_to_string(stat_path).unwrap_or_default();
    // Fields after the ")" of the command name: utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks: f64 = fields.get(11..13).map_or(0.0, |f| {
        f.iter().filter_map(|v| v.parse::<f64>().ok()).sum()
    });
    ticks / 100.0
}

/// CPU seconds of every process in a process group (streamlink may run under wrappers such
/// as pyenv's shim).
fn group_cpu_secs(pgid: u32) -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    dir.filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .map(|e| format!("{}/stat", e.path().display()))
        .filter(|p| {
            let stat = std::fs::read_to_string(p).unwrap_or_default();
            let f: Vec<&str> = stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .collect();
            f.get(2).and_then(|g| g.parse::<u32>().ok()) == Some(pgid)
        })
        .map(|p| cpu_secs(&p))
        .sum()
}

async fn bench_cut(dir: &Path) {
    let rec = two_hour_file(dir);
    let tools = Tools {
        ffmpeg: "ffmpeg".into(),
        ffprobe: "ffprobe".into(),
    };
    let mut times = Vec::new();
    for i in 0..5 {
        let out = dir.join(format!("clip_{i}.mp4"));
        let _ = std::fs::remove_file(&out);
        let t0 = Instant::now();
        let probed = probe::format_times("ffprobe", &rec).await.expect("probe");
        let piece = Piece {
            part: 1,
            path: rec.clone(),
            from: 5400.3,
            to: 5460.3,
        };
        let res = cut_pieces(&tools, &[piece], &out).await.expect("cut");
        let secs = t0.elapsed().as_secs_f64();
        times.push(secs);
        println!(
            "cut {i}: {secs:.3} s (file {:.0} s long; clip {:.2} s, {:.2} s before the asked start)",
            probed.duration.unwrap_or(0.0),
            res.duration,
            res.lead_in
        );
    }
    times.sort_by(f64::total_cmp);
    println!(
        "60 s clip at 1:30:00 of a 2 h recording: median {:.3} s, max {:.3} s",
        times[2], times[4]
    );
}

async fn bench_recording_cpu(dir: &Path) {
    let hls = dir.join("hls");
    let _ = std::fs::remove_dir_all(&hls);
    std::fs::create_dir_all(&hls).expect("hls dir");
    let src = HlsSource::start(&hls, "ffmpeg").await.expect("source");
    assert!(src.wait_segments(3, Duration::from_secs(15)).await);
    let window = Duration::from_secs(20);
    let me0 = cpu_secs("/proc/self/stat");
    tokio::time::sleep(window).await;
    let idle = cpu_secs("/proc/self/stat") - me0;

    let cfg = RecorderConfig {
        streamlink: "streamlink".into(),
        ffprobe: "ffprobe".into(),
        url: src.url(),
        recordings_dir: dir.join("recordings"),
        channel: "bench".into(),
        stall_floor: Duration::from_secs(20),
        stop_grace: Duration::from_secs(5),
        restart_live_edge: 99,
        max_backoff: Duration::from_secs(30),
        min_growth_mb_per_min: 1.0,
        extra_args: Vec::new(),
        latest_url: Default::default(),
    };
    let live: LiveCheck = Arc::new(|| Box::pin(async { true }));
    let rec = Recorder::start(cfg, SessionInfo { id: 1 }, None, live);
    let mut rx = rec.status();
    let _ = rx.wait_for(|s| s.bytes > 0).await;
    let pid = rx.borrow().pid.unwrap_or(0);
    let sl0 = group_cpu_secs(pid);
    let me1 = cpu_secs("/proc/self/stat");
    tokio::time::sleep(window).await;
    let rec_cpu = cpu_secs("/proc/self/stat") - me1;
    let sl = group_cpu_secs(pid) - sl0;
    let w = window.as_secs_f64();
    println!("{}", rx.borrow().health_line());
    println!(
        "recording CPU over {w:.0} s: streamlink {:.1} % of a core; this process {:.2} % with the \
         recorder vs {:.2} % without (source server only)",
        sl / w * 100.0,
        rec_cpu / w * 100.0,
        idle / w * 100.0
    );
    rec.stop().await;
}

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into()))
        .join("clip-bench");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        bench_cut(&dir).await;
        bench_recording_cpu(&dir).await;
    });
}
