//! The co-pilot end to end, the real binary in an 80×24 tmux pane against the fake Kick and a
//! fake Anthropic-shaped model: `A` asks, the scripted `suggest_activity` shows in the Activity
//! pane, `y` accepts it (the activity row changes), the `advice` row says it was followed, the
//! report has the advisor line, and the API key (from an environment variable set only in the
//! child) reached the model and nothing else: not the log, the database or the screen.

mod support;
mod tmux_support;

use std::path::Path;
use std::time::{Duration, Instant};

use kicktui::config::Provider;
use kicktui::fake::llm::{FakeLlm, LlmReply};
use kicktui::fake::{FakeConfig, FakeKick};
use serde_json::json;
use support::{db, test_config};
use tmux_support::Tmux;

const KEY: &str = "sk-test-COPILOT-7f3a9c1e55d0";
const KEY_ENV: &str = "KICKTUI_TEST_ADVISOR_KEY";

fn wait(tmux: &Tmux, what: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
    tokio::task::block_in_place(|| tmux.wait_for(what, Duration::from_secs(secs), pred))
}

/// Every file under `dir`, as bytes (the log, the database and its WAL, reports, state).
/// A chat line with a Kick emote, then the Keywords pane counting its CLIP: the engine has it.
fn chat_then_wait(c: &kicktui::fake::FakeControl, tmux: &Tmux) {
    c.chat("viewer1", "CLIP that was insane [emote:37226:KEKW]");
    wait(tmux, "the chat line counted", 10, |s| {
        s.lines().any(|l| l.contains("│CLIP ") && l.contains(" 1│"))
    });
}

fn all_bytes(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            all_bytes(&p, out);
        } else if let Ok(b) = std::fs::read(&p) {
            out.push((p.display().to_string(), b));
        }
    }
}

/// kicktui in an 80×24 tmux pane with the advisor on (Anthropic-shaped fake model, key from
/// an environment variable only the child has), chat subscribed. Only `A` asks: the interval
/// never comes round.
async fn start(
    name: &str,
    kick: &FakeKick,
    llm: &FakeLlm,
    dir: &Path,
    args: &str,
    env: &str,
    tune: impl FnOnce(&mut kicktui::config::Config),
) -> Tmux {
    let mut cfg = test_config(kick.kick_config());
    cfg.advisor.enabled = true;
    cfg.advisor.provider = Provider::Anthropic;
    cfg.advisor.api_base = llm.base();
    cfg.advisor.model = "test-model".into();
    cfg.advisor.api_key_env = KEY_ENV.into();
    cfg.advisor.interval_seconds = 3600;
    tune(&mut cfg);
    std::fs::write(dir.join("config.toml"), toml::to_string(&cfg).unwrap()).unwrap();
    let cmd = format!(
        "{KEY_ENV}='{KEY}' {env} '{}' clavicular {args} --config '{}' --data-dir '{}'; \
         echo KICKTUI-EXIT=$?; sleep 60",
        env!("CARGO_BIN_EXE_kicktui"),
        dir.join("config.toml").display(),
        dir.join("data").display()
    );
    let tmux = Tmux::new(name);
    tmux.start_80x24(&cmd);
    tokio::time::timeout(Duration::from_secs(20), kick.control().wait_subscribed())
        .await
        .unwrap();
    tmux
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn advice_is_shown_accepted_stored_and_reported_and_the_key_stays_secret() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let llm = FakeLlm::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let tmux = start(
        "copilot",
        &kick,
        &llm,
        dir.path(),
        "--activity talk",
        "",
        |_| {},
    )
    .await;
    wait(&tmux, "the advisor's budget line", 20, |s| {
        s.contains("▶1 talk") && s.contains("advisor: 0/12 calls this hour")
    });
    c.set_live("Ranked");
    wait(&tmux, "live", 20, |s| s.contains("● LIVE"));
    // Chat text never goes to the model while `store_chat_text` is off (the default).
    chat_then_wait(&c, &tmux);

    llm.push(LlmReply::Tools {
        text: Some("reactions went well last time".into()),
        calls: vec![(
            "suggest_activity".into(),
            json!({"arm": "react", "reason": "chat is slowing"}),
        )],
    });
    tmux.keys(&["A"]);
    let screen = wait(&tmux, "the suggestion", 15, |s| s.contains("✦ try react"));
    assert!(screen.contains("advisor: 1/12 calls this hour"), "{screen}");
    tmux.keys(&["y"]);
    wait(&tmux, "react is current", 10, |s| s.contains("▶4 react"));

    // The advisor sees the switch (it looks every few seconds) and stores the outcome.
    let conn = db(&data);
    let start = Instant::now();
    let followed = loop {
        let f: Option<String> = conn
            .query_row("SELECT followed FROM advice ORDER BY id LIMIT 1", [], |r| {
                r.get(0)
            })
            .unwrap_or(None);
        if f.is_some() || start.elapsed() > Duration::from_secs(15) {
            break f;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(followed.as_deref(), Some("followed"));

    tmux.keys(&["q"]);
    // A quit prompt while live (if there is one) is answered.
    let quit = Instant::now();
    let screen = loop {
        let s = tmux.capture();
        if s.contains("KICKTUI-EXIT=") {
            break s;
        }
        if quit.elapsed() > Duration::from_secs(3) {
            tmux.keys(&["y"]);
            break wait(&tmux, "the exit", 20, |s| s.contains("KICKTUI-EXIT="));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(screen.contains("KICKTUI-EXIT=0"), "{screen}");
    assert!(!screen.contains(KEY), "{screen}");

    // The rows: one call, ok, suggesting react, followed; the activities talk then react.
    let (n, outcome, arm, session): (i64, String, String, i64) = conn
        .query_row(
            "SELECT COUNT(*), outcome, suggested_arm, session_id FROM advice",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (n, outcome.as_str(), arm.as_str(), session),
        (1, "ok", "react", 1)
    );
    let names: Vec<String> = conn
        .prepare("SELECT name FROM activities ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(names, ["talk", "react"]);

    // The report says how the advice went.
    let md = std::fs::read_to_string(data.join("reports/clavicular_session001.md")).unwrap();
    assert!(
        md.contains("- Advisor: 1 call, 1 suggestion, 1 followed (100 %)"),
        "{md}"
    );

    // The key went to the model, and nowhere else.
    let reqs = llm.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].header("x-api-key"), Some(KEY));
    let body = reqs[0].body.to_string();
    assert!(
        !body.contains("that was insane") && !body.contains("recent_chat"),
        "{body}"
    );
    drop(conn);
    let mut files = Vec::new();
    all_bytes(&data, &mut files);
    assert!(files.iter().any(|(p, _)| p.ends_with("kicktui.log")));
    for (path, bytes) in &files {
        let found = bytes.windows(KEY.len()).any(|w| w == KEY.as_bytes());
        assert!(!found, "the key is in {path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_store_chat_text_on_the_model_reads_recent_chat_as_people_see_it() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let llm = FakeLlm::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The first `A` also crashes the co-pilot's command relay, once.
    let trigger = dir.path().join("panic-now");
    let fault = format!("KICKTUI_FAULT='copilot_panic:{}'", trigger.display());
    let tmux = start("copilot-chat", &kick, &llm, dir.path(), "", &fault, |cfg| {
        cfg.general.store_chat_text = true;
    })
    .await;
    wait(&tmux, "the advisor's budget line", 20, |s| {
        s.contains("advisor: 0/12 calls this hour")
    });
    c.chat("bot_fan", "!discord");
    chat_then_wait(&c, &tmux);
    llm.push(LlmReply::Tools {
        text: Some("chat loved that".into()),
        calls: vec![],
    });
    std::fs::write(&trigger, b"").unwrap();
    tmux.keys(&["A"]);
    let log = dir.path().join("data/kicktui.log");
    let start = Instant::now();
    while !std::fs::read_to_string(&log)
        .unwrap_or_default()
        .contains("The co-pilot's command relay crashed (injected by KICKTUI_FAULT)")
    {
        assert!(start.elapsed() < Duration::from_secs(10), "no crash note");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Restarted with the same channels: the next `A` asks.
    tmux.keys(&["A"]);
    wait(&tmux, "the answer", 15, |s| {
        s.contains("advisor: 1/12 calls this hour")
    });
    let reqs = llm.requests();
    assert_eq!(reqs.len(), 1);
    let body = reqs[0].body.to_string();
    // The text as read (the emote tag as its name), no name, no !command.
    assert!(body.contains("CLIP that was insane KEKW"), "{body}");
    assert!(
        !body.contains("[emote:") && !body.contains("viewer1") && !body.contains("!discord"),
        "{body}"
    );
    tmux.keys(&["q"]);
    let screen = wait(&tmux, "the exit", 20, |s| s.contains("KICKTUI-EXIT="));
    assert!(screen.contains("KICKTUI-EXIT=0"), "{screen}");
}
