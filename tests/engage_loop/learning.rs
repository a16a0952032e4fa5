//! The loop in the TUI: activities picked with the number keys teach the bandit, the log,
//! activity rows, bandit file and report match the script, and a second (headless) run loads
//! the bandit and keeps learning.

use std::path::Path;
use std::time::Duration;

use kicktui::fake::{FakeConfig, FakeKick};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::kicktui;
use crate::support::{count, db, test_config};
use crate::tmux_support::Tmux;

fn wait(tmux: &Tmux, what: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
    tokio::task::block_in_place(|| tmux.wait_for(what, Duration::from_secs(secs), pred))
}

fn bandit(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("data/bandit_state.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activities_teach_the_bandit_and_the_report_matches_the_script() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let mut cfg = test_config(kick.kick_config());
    cfg.engagement.window_seconds = 5;
    cfg.engagement.baseline_minutes = 1;
    cfg.bandit.min_segment_seconds = 4;
    cfg.bandit.context_interval_seconds = 5;
    cfg.revenue.sub_price_usd = 4.0;
    // The live status that brings the viewer count: asked again within the test. Once, on a
    // loaded machine, the only answer came between going live and the 100 viewers (a report
    // of 0 viewers).
    cfg.recorder.poll_interval_seconds = 5;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        toml::to_string(&cfg).unwrap(),
    )
    .unwrap();
    let bad = kicktui(dir.path(), &["clavicular", "--activity", "dancing"]);
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success());
    assert!(
        err.contains("unknown activity \"dancing\"")
            && err.contains("talk, gameplay, q_and_a, react, irl"),
        "{err}"
    );

    let cmd = format!(
        "'{}' clavicular --activity talk --config '{}' --data-dir '{}'; echo KICKTUI-EXIT=$?; sleep 60",
        env!("CARGO_BIN_EXE_kicktui"),
        dir.path().join("config.toml").display(),
        dir.path().join("data").display()
    );
    let tmux = Tmux::new("engage");
    tmux.start_80x24(&cmd);
    tokio::time::timeout(Duration::from_secs(20), c.wait_subscribed())
        .await
        .unwrap();
    wait(&tmux, "the activity pane", 20, |s| {
        s.contains("Activity talk") && s.contains("▶1 talk")
    });
    c.set_live("Ranked");
    c.set_viewers(100);
    wait(&tmux, "live", 20, |s| s.contains("● LIVE"));

    // talk: 0.4 msg/s from 2 chatters; react: 8.4 msg/s from 16 chatters and some money; each
    // segment twice the engagement window, so the previous one blurs at most half of it.
    let quiet = || c.burst(4, 2, Duration::from_secs(10));
    let busy = || c.burst(84, 16, Duration::from_secs(10));
    // The stream's usual level is learnt for its first 20 s (a third of baseline_minutes):
    // the first talk segment is credited only with what comes after.
    c.burst(8, 2, Duration::from_secs(20)).await;
    quiet().await;
    tmux.keys(&["4"]);
    wait(&tmux, "react is current", 10, |s| s.contains("▶4 react"));
    // The same key again changes nothing, and says so (headless needs the answer).
    tmux.keys(&["4"]);
    wait(&tmux, "an answer", 10, |s| s.contains("react (already on)"));
    c.kicks("donor", 1000, "gg");
    c.sub("fan", 1);
    busy().await;
    tmux.keys(&["1"]);
    wait(&tmux, "talk is current again", 10, |s| {
        s.contains("▶1 talk")
    });
    quiet().await;
    tmux.keys(&["4"]);
    wait(&tmux, "react once more", 10, |s| s.contains("▶4 react"));
    busy().await;
    // The pane shows what was learned: three segments closed, each with a reward.
    let screen = wait(&tmux, "the bandit pane", 10, |s| {
        s.contains("2×") && s.contains("1×")
    });
    // A suggestion: another activity, or the one on (a Thompson draw).
    assert!(
        screen.contains("· try ") || screen.contains("· keep it"),
        "{screen}"
    );
    tmux.keys(&["q"]);
    let screen = wait(&tmux, "the exit", 20, |s| s.contains("KICKTUI-EXIT="));
    assert!(screen.contains("KICKTUI-EXIT=0"), "{screen}");
    // Each activity change and closed segment is one line of the log, not two.
    let log = std::fs::read_to_string(dir.path().join("data/kicktui.log")).unwrap();
    for line in ["Activity: talk → react", "Segment talk ("] {
        assert_eq!(
            log.matches(line).count(),
            2,
            "{line:?} twice, once per change:\n{log}"
        );
    }
    // The switch is told before the closed segment, whose reward changes the suggestion.
    let switch = log.find("Activity: talk → react").unwrap_or(usize::MAX);
    let closed = log.find("Segment talk (").unwrap_or(0);
    assert!(switch < closed, "{log}");

    // The activity rows: talk, react, talk, react, each long enough to count.
    let data = dir.path().join("data");
    let conn = db(&data);
    let rows: Vec<(String, Option<f64>, Option<f64>)> = conn
        .prepare("SELECT name, engagement, reward FROM activities ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, ["talk", "react", "talk", "react"], "{rows:?}");
    let reward = |i: usize| rows[i].2.unwrap_or_else(|| panic!("no reward: {rows:?}"));
    assert!(
        reward(1) > reward(0) && reward(3) > reward(2),
        "react beats talk: {rows:?}"
    );
    for (_, e, r) in &rows {
        assert!((r.unwrap() - e.unwrap() / 100.0).abs() < 1e-9, "{rows:?}");
    }

    // The bandit file counts the segments: α + β = 2 + pulls, α = 1 + Σ rewards.
    let b = bandit(dir.path());
    assert_eq!(b["clavicular"]["talk"]["pulls"], 2, "{b}");
    assert_eq!(b["clavicular"]["react"]["pulls"], 2, "{b}");
    let alpha = b["clavicular"]["react"]["alpha"].as_f64().unwrap();
    assert!((alpha - (1.0 + reward(1) + reward(3))).abs() < 1e-9, "{b}");
    assert_eq!(b["clavicular"]["irl"]["pulls"], 0, "{b}");

    // The report, from the database, says what the script did.
    let out = kicktui(dir.path(), &["report", "--last", "--format", "json"]);
    assert!(out.status.success(), "{out:?}");
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sent = 8 + 4 + 84 + 4 + 84;
    assert_eq!(r["messages"], sent, "{r}");
    assert_eq!(
        count(
            &conn,
            "SELECT messages FROM engage_stats WHERE session_id = 1"
        ),
        sent as i64
    );
    assert!(count(&conn, "SELECT SUM(messages) FROM chat_stats") <= sent as i64);
    assert_eq!(r["unique_chatters"], 16, "{r}");
    assert_eq!(r["money"]["kicks"], 1000, "{r}");
    assert_eq!(r["money"]["subs"], 1, "{r}");
    assert_eq!(r["money"]["revenue_usd"], 14.0, "{r}");
    assert_eq!(r["peak_viewers"], 100, "{r}");
    let acts = r["activities"].as_array().unwrap();
    assert_eq!(acts.len(), 2, "{r}");
    let eng = |name: &str| {
        acts.iter().find(|a| a["name"] == name).unwrap()["engagement"]
            .as_f64()
            .unwrap()
    };
    assert!(eng("react") > eng("talk") + 10.0, "{r}");
    assert_eq!(r["segments"].as_array().unwrap().len(), 4);
    // The markdown file under reports/ is the same report.
    let md = std::fs::read_to_string(data.join("reports/clavicular_session001.md")).unwrap();
    let printed = kicktui(dir.path(), &["report", "1"]);
    assert_eq!(String::from_utf8_lossy(&printed.stdout), md);
    assert!(md.contains("| react | 2 |"), "{md}");
    assert!(md.contains("Suggestions followed:"), "{md}");

    // A second run loads the bandit and keeps learning (headless, --activity react).
    let mut second = tokio::process::Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .arg("--config")
        .arg(dir.path().join("config.toml"))
        .arg("--data-dir")
        .arg(&data)
        .args(["clavicular", "--headless", "--activity", "react"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(second.stdout.take().unwrap()).lines();
    let mut text = String::new();
    let read_until = async |needle: &str, lines: &mut tokio::io::Lines<_>, text: &mut String| {
        while let Ok(Some(l)) = lines.next_line().await {
            text.push_str(&l);
            text.push('\n');
            if l.contains(needle) {
                return;
            }
        }
        panic!("no {needle:?} in:\n{text}");
    };
    let limit = Duration::from_secs(20);
    tokio::time::timeout(limit, read_until("Stream is LIVE!", &mut lines, &mut text))
        .await
        .unwrap();
    assert!(text.contains("(4 segments learned so far)"), "{text}");
    // Longer than the stream's learning time (20 s, not credited) plus the shortest segment.
    c.burst(60, 10, Duration::from_secs(28)).await;
    let pid = second.id().unwrap().to_string();
    std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    tokio::time::timeout(limit, read_until("Received ", &mut lines, &mut text))
        .await
        .unwrap();
    assert!(second.wait().await.unwrap().success(), "{text}");
    assert!(text.contains("Segment react"), "{text}");
    // The stream was still live when the first run quit: the second goes on with its session.
    assert!(text.contains("Session 1 goes on"), "{text}");
    assert!(
        text.contains("# Stream report: clavicular (session 1)")
            && text.contains("kicktui was stopped"),
        "{text}"
    );
    let b = bandit(dir.path());
    assert_eq!(b["clavicular"]["react"]["pulls"], 3, "{b}\n{text}");
    assert_eq!(b["clavicular"]["talk"]["pulls"], 2, "{b}");
}
