use super::*;
use crate::eval::calib;
use crate::eval::score::score;

fn parse(line: &str) -> serde_json::Value {
    serde_json::from_str(line).unwrap()
}

#[test]
fn same_seed_same_log_and_other_seeds_differ() {
    let a = generate(Profile::Mid, 0.5, 42);
    assert_eq!(a, generate(Profile::Mid, 0.5, 42));
    assert_ne!(a.lines, generate(Profile::Mid, 0.5, 43).lines);
    assert_ne!(a.lines, generate(Profile::Big, 0.5, 42).lines);
}

#[test]
fn lines_are_plain_replay_json_in_time_order() {
    let log = generate(Profile::Mid, 2.0, 7);
    let mut prev = f64::MIN;
    let mut kinds = std::collections::BTreeSet::new();
    for (i, line) in log.lines.iter().enumerate() {
        let v = parse(line);
        let ts = v["ts"].as_f64().unwrap();
        assert!(ts >= prev, "line {i} goes back in time");
        assert!(ts > 1.7e9 && ts < 1.9e9);
        prev = ts;
        assert!(v["user"].as_str().is_some_and(|u| !u.is_empty()) || v["type"] == "viewers");
        match v["type"].as_str() {
            None => assert!(v["text"].as_str().is_some_and(|t| !t.is_empty()), "{line}"),
            Some("raid") => assert!(v["viewers"].as_u64().is_some()),
            Some("gift" | "viewers") => assert!(v["count"].as_u64().is_some()),
            Some("donation") => assert!(v["amount"].as_f64().is_some()),
            Some(other) => assert_eq!(other, "sub"),
        }
        kinds.insert(v["type"].as_str().unwrap_or("chat").to_owned());
        // Milliseconds at most.
        let frac = line
            .split("\"ts\": ")
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap();
        assert!(
            frac.split('.').nth(1).is_some_and(|d| d.len() == 3),
            "{frac}"
        );
    }
    assert!(
        parse(&log.lines[0]).get("type").is_none(),
        "first line is chat"
    );
    for k in ["chat", "raid", "sub", "viewers"] {
        assert!(kinds.contains(k), "no {k} line in {kinds:?}");
    }
}

#[test]
fn labels_lie_inside_the_log_and_match_the_profile_rate() {
    for (profile, lo, hi) in [(Profile::Small, 3, 22), (Profile::Esports, 20, 52)] {
        let log = generate(profile, 2.0, 11);
        let first = parse(&log.lines[0])["ts"].as_f64().unwrap();
        let last = parse(log.lines.last().unwrap())["ts"].as_f64().unwrap();
        let n = log.labels.spans.len();
        assert!((lo..=hi).contains(&n), "{profile}: {n} highlights in 2 h");
        for &(s, e) in &log.labels.spans {
            assert!(s >= 0.0 && e <= last - first, "{profile}: span {s}..{e}");
            assert!(
                (5.0..=40.0).contains(&(e - s)),
                "{profile}: length {}",
                e - s
            );
        }
    }
}

#[test]
fn chat_rates_match_each_profile() {
    for (profile, base) in [
        (Profile::Small, 0.15),
        (Profile::Mid, 1.5),
        (Profile::Big, 8.0),
        (Profile::Esports, 25.0),
    ] {
        let counts = calib::per_second(&generate(profile, 1.0, 3));
        let mut minutes: Vec<f64> = counts
            .chunks(60)
            .map(|c| c.iter().sum::<f64>() / 60.0)
            .collect();
        minutes.sort_by(f64::total_cmp);
        let median = minutes[minutes.len() / 2];
        let mean = counts.iter().sum::<f64>() / counts.len() as f64;
        assert!(
            median > base * 0.6 && median < base * 1.5,
            "{profile}: median {median}"
        );
        assert!(
            mean > base * 0.7 && mean < base * 1.8,
            "{profile}: mean {mean}"
        );
    }
}

#[test]
fn small_channel_busiest_ten_seconds_is_about_one_message_per_second() {
    for seed in 0..4 {
        let counts = calib::per_second(&generate(Profile::Small, 3.0, seed));
        let busiest = counts
            .windows(10)
            .map(|w| w.iter().sum::<f64>())
            .fold(0.0, f64::max);
        assert!(
            (8.0..=25.0).contains(&busiest),
            "seed {seed}: busiest 10 s has {busiest}"
        );
    }
}

#[test]
fn reactions_lag_highlight_starts() {
    let (mut early, mut peak, mut before) = (0.0, 0.0, 0.0);
    for seed in 0..3 {
        let log = generate(Profile::Mid, 2.0, seed);
        let counts = calib::per_second(&log);
        let sum = |a: f64, b: f64| counts[a as usize..b as usize].iter().sum::<f64>();
        for &(s, _) in &log.labels.spans {
            before += sum(s - 75.0, s - 45.0) / 30.0;
            early += sum(s, s + 5.0) / 5.0;
            peak += sum(s + 15.0, s + 30.0) / 15.0;
        }
    }
    assert!(peak > 1.5 * before, "peak {peak} vs before {before}");
    assert!(peak > 1.3 * early, "peak {peak} vs first 5 s {early}");
    assert!(
        early < 1.25 * before,
        "no reaction yet at the start: {early} vs {before}"
    );
}

/// Highlights must not be trivially separable: the published z-rule stays far from perfect,
/// yet clearly beats chance.
#[test]
fn reference_z_rule_is_useful_but_imperfect() {
    let (mut hits, mut moments, mut found, mut total) = (0, 0, 0, 0);
    for seed in 0..3 {
        let log = generate(Profile::Mid, 2.0, seed);
        let r = score(
            &calib::z_rule(&calib::per_second(&log)),
            &log.labels,
            log.hours,
        );
        (hits, moments) = (hits + r.hits, moments + r.moments);
        (found, total) = (found + r.highlights_hit, total + r.highlights);
    }
    let precision = hits as f64 / moments as f64;
    let recall = found as f64 / total as f64;
    assert!(precision > 0.35 && precision < 0.9, "precision {precision}");
    assert!(recall > 0.2 && recall < 0.9, "recall {recall}");
}

/// Prints how the reference detectors fare on each profile, to compare with the published
/// numbers: `cargo test --lib eval::synth -- --ignored --nocapture`.
#[test]
#[ignore]
fn calibration_report() {
    for profile in Profile::ALL {
        for seed in 0..3 {
            let log = generate(profile, 3.0, seed);
            let counts = calib::per_second(&log);
            let z = score(&calib::z_rule(&counts), &log.labels, log.hours);
            let rank = score(&calib::ranking(&counts, 10), &log.labels, log.hours);
            println!(
                "{profile:8} seed {seed}: {} lines, {} highlights | z>3: {:.1}/h p {:.2} r {:.2} | rank p@1 {:?} p@10 {:?}",
                log.lines.len(),
                z.highlights,
                z.moments_per_hour.unwrap_or(0.0),
                z.precision.unwrap_or(0.0),
                z.recall.unwrap_or(0.0),
                rank.precision_at[0].1,
                rank.precision_at[2].1,
            );
        }
    }
}

#[test]
fn profiles_parse_and_print() {
    for p in Profile::ALL {
        assert_eq!(p.to_string().parse::<Profile>().unwrap(), p);
    }
    assert_eq!(" Esports".parse::<Profile>().unwrap(), Profile::Esports);
    let err = "huge".parse::<Profile>().unwrap_err().to_string();
    assert!(err.contains("`huge`") && err.contains("esports"), "{err}");
}

#[test]
fn files_round_trip() {
    let log = generate(Profile::Small, 0.5, 1);
    let dir = tempfile::tempdir().unwrap();
    let (chat, labels) = (
        dir.path().join("chat.jsonl"),
        dir.path().join("labels.json"),
    );
    write_files(&log, &chat, &labels).unwrap();
    let text = std::fs::read_to_string(&chat).unwrap();
    assert_eq!(text.lines().count(), log.lines.len());
    let parsed = crate::eval::parse_labels(&std::fs::read_to_string(&labels).unwrap()).unwrap();
    assert_eq!(parsed, log.labels);
}

#[test]
fn odd_durations_are_clamped() {
    assert_eq!(generate(Profile::Small, -1.0, 1).hours, 1.0 / 60.0);
    assert_eq!(generate(Profile::Small, f64::NAN, 1).hours, 1.0);
}
