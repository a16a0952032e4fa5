//! Test-only reference detectors from `docs/detection.md`, to check the synthetic logs
//! against the published numbers on real chat (z > 3 rule: ≈ 12 triggers/h at precision
//! ≈ 0.63; 25 s window ranking: p@1 ≈ 0.8, p@10 ≈ 0.6).

use super::score::ScoredMoment;
use super::synth::SynthLog;

/// Chat messages per second since the first line (other event types are ignored).
pub fn per_second(log: &SynthLog) -> Vec<f64> {
    let mut t0 = None;
    let mut counts: Vec<f64> = Vec::new();
    for line in &log.lines {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(ts) = v["ts"].as_f64() else {
            continue;
        };
        let t0 = *t0.get_or_insert(ts);
        if v.get("type").is_some() {
            continue;
        }
        let i = (ts - t0).max(0.0) as usize;
        if counts.len() <= i {
            counts.resize(i + 1, 0.0);
        }
        counts[i] += 1.0;
    }
    counts
}

/// The 10 s rate as a z-score against the previous 5 minutes; fires at z > 3 with a
/// 0.5 msg/s floor, then stays quiet for 60 s. Clips start 45 s before the trigger.
pub fn z_rule(counts: &[f64]) -> Vec<ScoredMoment> {
    let sum = |a: usize, b: usize| counts[a..b].iter().sum::<f64>();
    let mut out = Vec::new();
    let mut quiet_until = 0;
    for t in 310..counts.len() {
        let now = sum(t - 9, t + 1);
        let hist: Vec<f64> = (0..30)
            .map(|k| sum(t - 309 + k * 10, t - 299 + k * 10))
            .collect();
        let mean = hist.iter().sum::<f64>() / 30.0;
        let sd = (hist.iter().map(|h| (h - mean).powi(2)).sum::<f64>() / 29.0).sqrt();
        let z = (now - mean) / sd.max(1.0);
        if t >= quiet_until && z > 3.0 && now >= 5.0 {
            let at = t as f64;
            out.push(ScoredMoment {
                offset_s: at,
                score: z,
                clip_start_offset_s: at - 45.0,
            });
            quiet_until = t + 60;
        }
    }
    out
}

/// 25 s windows ranked by message count, peaks at least 120 s apart; the moment sits at
/// the window's end, the clip starts 17 s before its centre.
pub fn ranking(counts: &[f64], top: usize) -> Vec<ScoredMoment> {
    let mut windows: Vec<(f64, usize)> = (0..counts.len().saturating_sub(25))
        .map(|s| (counts[s..s + 25].iter().sum(), s))
        .collect();
    windows.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut picked: Vec<usize> = Vec::new();
    for (_, s) in windows {
        if picked.iter().all(|&p| p.abs_diff(s) >= 120) {
            picked.push(s);
        }
        if picked.len() == top {
            break;
        }
    }
    picked
        .iter()
        .enumerate()
        .map(|(rank, &s)| ScoredMoment {
            offset_s: s as f64 + 25.0,
            score: (top - rank) as f64,
            clip_start_offset_s: s as f64 + 12.5 - 17.0,
        })
        .collect()
}
