//! Scoring many streams at once: `kicktui eval --chat DIR --labels DIR` pairs files by name
//! (`a.jsonl` with `a.json`), scores each stream, and pools them: counts are summed (so
//! precision, recall and false alarms per hour are over all moments), precision@k is the mean
//! of the streams' own values (ranking is per stream).

use serde::Serialize;

use super::score::{EvalReport, PRECISION_KS};

#[derive(Clone, Debug, Serialize)]
pub struct StreamReport {
    pub name: String,
    #[serde(flatten)]
    pub report: EvalReport,
}

#[derive(Clone, Debug, Serialize)]
pub struct Pooled {
    pub streams: usize,
    pub moments: usize,
    pub hours: f64,
    pub highlights: usize,
    pub hits: usize,
    pub highlights_hit: usize,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub false_alarms_per_hour: Option<f64>,
    pub moments_per_hour: Option<f64>,
    /// Mean over streams with moments.
    pub precision_at: Vec<(usize, Option<f64>)>,
    /// Mean over all streams, empty slots of the top k counting as misses.
    pub precision_at_k_slots: Vec<(usize, f64)>,
    pub timing: Option<f64>,
}

/// A chat log (or its labels) left out of the pooled figures, and why.
#[derive(Clone, Debug, Serialize)]
pub struct Skipped {
    pub file: String,
    pub why: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ManyReport {
    pub pooled: Pooled,
    pub streams: Vec<StreamReport>,
    /// Said on stderr as they happen; here so a script sees that the pool is short.
    pub skipped: Vec<Skipped>,
}

fn ratio(n: usize, d: usize) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

fn per_hour(n: usize, h: f64) -> Option<f64> {
    (h.is_finite() && h > 0.0).then(|| n as f64 / h)
}

pub fn pool(streams: Vec<StreamReport>) -> ManyReport {
    let sum = |f: fn(&EvalReport) -> usize| streams.iter().map(|s| f(&s.report)).sum::<usize>();
    let moments = sum(|r| r.moments);
    let hits = sum(|r| r.hits);
    let highlights = sum(|r| r.highlights);
    let highlights_hit = sum(|r| r.highlights_hit);
    let timely = sum(|r| r.timely_hits);
    let hours: f64 = streams.iter().map(|s| s.report.hours).sum();
    let precision_at = PRECISION_KS
        .iter()
        .enumerate()
        .map(|(i, &k)| {
            let vals: Vec<f64> = streams
                .iter()
                .filter_map(|s| s.report.precision_at.get(i).and_then(|p| p.1))
                .collect();
            let mean = (!vals.is_empty()).then(|| vals.iter().sum::<f64>() / vals.len() as f64);
            (k, mean)
        })
        .collect();
    let precision_at_k_slots = PRECISION_KS
        .iter()
        .enumerate()
        .map(|(i, &k)| {
            let total: f64 = streams
                .iter()
                .filter_map(|s| s.report.precision_at_k_slots.get(i).map(|p| p.1))
                .sum();
            (k, total / streams.len().max(1) as f64)
        })
        .collect();
    ManyReport {
        pooled: Pooled {
            streams: streams.len(),
            moments,
            hours,
            highlights,
            hits,
            highlights_hit,
            precision: ratio(hits, moments),
            recall: ratio(highlights_hit, highlights),
            false_alarms_per_hour: per_hour(moments - hits, hours),
            moments_per_hour: per_hour(moments, hours),
            precision_at,
            precision_at_k_slots,
            timing: ratio(timely, hits),
        },
        streams,
        skipped: Vec::new(),
    }
}

fn f(v: Option<f64>, d: usize) -> String {
    v.map_or_else(|| "n/a".into(), |v| format!("{v:.d$}"))
}

/// `w`: the name column's width (the longest name).
fn row(name: &str, w: usize, moments: usize, hours: f64, r: [Option<f64>; 8]) -> String {
    format!(
        "{name:<w$} {moments:>5} {hours:>6.2} {:>6} {:>6} {:>6} {:>6} {:>5} {:>5} {:>5} {:>6}\n",
        f(r[0], 1),
        f(r[1], 2),
        f(r[2], 2),
        f(r[3], 1),
        f(r[4], 2),
        f(r[5], 2),
        f(r[6], 2),
        f(r[7], 2),
    )
}

impl ManyReport {
    pub fn to_text(&self) -> String {
        let pooled = format!(
            "pooled ({})",
            crate::present::plural(self.pooled.streams, "stream")
        );
        let w = self
            .streams
            .iter()
            .map(|s| s.name.chars().count())
            .chain([24, pooled.chars().count()])
            .max()
            .unwrap_or(24);
        let mut out = format!(
            "{:<w$} {:>5} {:>6} {:>6} {:>6} {:>6} {:>6} {:>5} {:>5} {:>5} {:>6}\n",
            "stream",
            "mom",
            "hours",
            "mom/h",
            "prec",
            "recall",
            "FA/h",
            "p@1",
            "p@5",
            "p@10",
            "timing"
        );
        let p = |v: &[(usize, Option<f64>)], i: usize| v.get(i).and_then(|x| x.1);
        for s in &self.streams {
            let r = &s.report;
            out += &row(
                &s.name,
                w,
                r.moments,
                r.hours,
                [
                    r.moments_per_hour,
                    r.precision,
                    r.recall,
                    r.false_alarms_per_hour,
                    p(&r.precision_at, 0),
                    p(&r.precision_at, 1),
                    p(&r.precision_at, 2),
                    r.timing,
                ],
            );
        }
        let r = &self.pooled;
        out += &row(
            &pooled,
            w,
            r.moments,
            r.hours,
            [
                r.moments_per_hour,
                r.precision,
                r.recall,
                r.false_alarms_per_hour,
                p(&r.precision_at, 0),
                p(&r.precision_at, 1),
                p(&r.precision_at, 2),
                r.timing,
            ],
        );
        let slots: Vec<String> = r
            .precision_at_k_slots
            .iter()
            .map(|(k, v)| format!("p@{k} {v:.2}"))
            .collect();
        out += &format!(
            "pooled ranking with empty top-k slots as misses: {}\n",
            slots.join("  ")
        );
        if !self.skipped.is_empty() {
            // Here, not only on stderr: a reader of this table alone sees what is missing.
            out += &format!(
                "not in the pool: {}\n",
                crate::present::plural(self.skipped.len(), "file")
            );
            for s in &self.skipped {
                out += &format!("  {}: {}\n", s.file, s.why);
            }
        }
        out
    }
}

/// A chat log replayed for scoring. Unreadable lines are said on stderr (scores over half a
/// log would mislead); a log with no readable chat line is an error.
pub fn read_log(
    path: &std::path::Path,
    cfg: &crate::config::Config,
) -> Result<crate::replay::ReplayReport, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let report = crate::replay::run(std::io::BufReader::with_capacity(1 << 20, file), cfg)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let s = &report.stats;
    if s.chat_messages == 0 {
        return Err(format!(
            "{}: no chat line could be read ({} lines, {} unreadable; one JSON object a line: \
             {{\"ts\", \"user\", \"text\"}} or a captured Kick frame)",
            path.display(),
            s.lines,
            s.errors
        ));
    }
    if s.errors > 0 {
        eprintln!(
            "{}: {} of {} lines unreadable ({}); scored on the rest",
            path.display(),
            s.errors,
            s.lines,
            report.first_error.as_deref().unwrap_or("")
        );
    }
    Ok(report)
}

/// Every chat log in `chat_dir` with a label file of the same stem in `labels_dir`, scored.
pub fn eval_dirs(
    chat_dir: &std::path::Path,
    labels_dir: &std::path::Path,
    cfg: &crate::config::Config,
) -> Result<ManyReport, String> {
    let read_dir =
        |d: &std::path::Path| std::fs::read_dir(d).map_err(|e| format!("{}: {e}", d.display()));
    if !labels_dir.is_dir() {
        return Err(format!(
            "--chat is a directory, so --labels must be one too: {}",
            labels_dir.display()
        ));
    }
    // The files of a directory, in name order.
    let files_in = |d: &std::path::Path| -> Result<Vec<std::path::PathBuf>, String> {
        let mut files: Vec<_> = read_dir(d)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        Ok(files)
    };
    let mut labels = std::collections::BTreeMap::new();
    for path in files_in(labels_dir)? {
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if let Some(first) = labels.get(stem) {
            let first: &std::path::PathBuf = first;
            eprintln!(
                "two label files for {stem}: {} is used, {} is not",
                first.display(),
                path.display()
            );
            continue;
        }
        labels.insert(stem.to_owned(), path);
    }
    let mut unused: std::collections::BTreeSet<String> = labels.keys().cloned().collect();
    let mut streams = Vec::new();
    let (mut skipped, mut unlabelled) = (Vec::new(), 0);
    let mut skip = |chat: &std::path::Path, why: String, said: String| {
        eprintln!("{said}");
        skipped.push(Skipped {
            file: chat.display().to_string(),
            why,
        });
    };
    let mut scored: std::collections::BTreeMap<String, std::path::PathBuf> = Default::default();
    for chat in files_in(chat_dir)? {
        let Some(name) = chat.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        // `a.jsonl` beside `a.json` (a log and its export) would score one stream twice.
        if let Some(first) = scored.get(name) {
            let why = format!("{} has the same name and is scored", first.display());
            let said = format!(
                "two chat logs named {name}: {why}, {} is not",
                chat.display()
            );
            skip(&chat, why, said);
            continue;
        }
        let Some(label_path) = labels.get(name) else {
            let why = format!("no labels named {name}.*");
            skip(
                &chat,
                why.clone(),
                format!("{}: {why}, skipped", chat.display()),
            );
            unlabelled += 1;
            continue;
        };
        unused.remove(name);
        // A broken label file is skipped like an unreadable log, not the end of the run.
        let read = std::fs::read_to_string(label_path)
            .map_err(|e| e.to_string())
            .and_then(|text| super::parse_labels(&text).map_err(|e| e.to_string()));
        let spans = match read {
            Ok(spans) => spans,
            Err(e) => {
                let why = format!("{}: {e}", label_path.display());
                let said = format!("{why}; {} skipped", chat.display());
                skip(&chat, why, said);
                continue;
            }
        };
        let replay = match read_log(&chat, cfg) {
            Ok(r) => r,
            Err(e) => {
                skip(&chat, e.clone(), format!("{e}, skipped"));
                continue;
            }
        };
        let (moments, hours) = crate::commands::scored_moments(&replay);
        if let Some(warning) = spans.outside(hours * 3600.0) {
            eprintln!("{}: {warning}", label_path.display());
        }
        scored.insert(name.to_owned(), chat.clone());
        streams.push(StreamReport {
            name: name.to_owned(),
            report: super::score(&moments, &spans, hours),
        });
    }
    if !unused.is_empty() {
        let names: Vec<String> = unused.into_iter().collect();
        eprintln!(
            "label files with no chat log of the same name in {}: {}",
            chat_dir.display(),
            names.join(", ")
        );
    }
    let labelled = skipped.len() - unlabelled;
    if streams.is_empty() && labelled > 0 {
        return Err(format!(
            "no stream could be scored: {} skipped (see above)",
            crate::present::plural(labelled, "pair")
        ));
    }
    if streams.is_empty() {
        return Err(format!(
            "no chat log in {} has a label file of the same name in {}",
            chat_dir.display(),
            labels_dir.display()
        ));
    }
    Ok(ManyReport {
        skipped,
        ..pool(streams)
    })
}

#[cfg(test)]
#[path = "many_tests.rs"]
mod tests;
