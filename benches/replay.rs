//! Replay throughput: decode + detect over real-shaped Kick chat frames (full sender identity,
//! badges and `badges_v2`, ~800 bytes), at two input sizes, so that flat memory shows. Decoding
//! (and de-duplication) and detection run pipelined on two threads. Run: `cargo bench --bench
//! replay` (prints frames/s, bytes per frame and peak memory; run it a few times on a shared
//! machine). Measured on a shared 2-core machine, five runs: 0.72–1.57 M frames/s, median
//! 1.14 M/s (0.5 M frames) and 1.29 M/s (1.5 M frames), peak RSS 16–19 MB at both sizes; the
//! two threads are about equally busy, so a busy neighbour core shows directly in the low runs.

use std::io::{BufReader, Write};
use std::time::Instant;

use kicktui::bench::{kick_chat_frame, peak_rss};
use kicktui::config::Config;

fn write_frames(path: &std::path::Path, n: u64) -> std::io::Result<u64> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut bytes = 0;
    let start = 1_790_000_000i64;
    for i in 0..n {
        // About 40 msg/s.
        let t = start + (i / 40) as i64;
        let line = kick_chat_frame(i, t);
        bytes += line.len() as u64 + 1;
        writeln!(f, "{line}")?;
    }
    f.flush()?;
    Ok(bytes)
}

fn main() -> std::io::Result<()> {
    let dir = std::env::temp_dir().join(format!("kicktui-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let cfg = Config::default();
    for n in [500_000u64, 1_500_000] {
        let path = dir.join(format!("frames-{n}.jsonl"));
        let bytes = write_frames(&path, n)?;
        let file = std::fs::File::open(&path)?;
        let started = Instant::now();
        let report = kicktui::replay::run(BufReader::with_capacity(1 << 20, file), &cfg)?;
        let secs = started.elapsed().as_secs_f64();
        assert_eq!(report.stats.chat_messages, n, "every frame decoded");
        println!(
            "replay {n} Kick chat frames ({:.0} MB, {:.0} bytes each): {secs:.3} s, {:.0} frames/s, {:.0} MB/s, {} moments, peak RSS {:.1} MB",
            bytes as f64 / 1e6,
            bytes as f64 / n as f64,
            n as f64 / secs,
            bytes as f64 / 1e6 / secs,
            report.moments.len(),
            peak_rss().unwrap_or(0) as f64 / 1024.0,
        );
        std::fs::remove_file(&path)?;
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
