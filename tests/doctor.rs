//! `kicktui doctor` through the binary against the fake Kick: all green, then Kick's API behind
//! Cloudflare, the metrics port taken and a broken config, each with what to do.

mod support;

use std::path::Path;
use std::process::Output;

use kicktui::config::Config;
use kicktui::fake::{ApiFailure, FakeConfig, FakeKick};
use support::test_config;

fn doctor(dir: &Path, cfg: &Config, args: &[&str]) -> Output {
    std::fs::write(dir.join("config.toml"), toml::to_string(cfg).unwrap()).unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("doctor")
        .args(args)
        .output()
        .unwrap()
}

/// `doctor` with `args` on its own thread (it waits on the fake servers this runtime runs).
async fn doctor_async(dir: &Path, cfg: Config, args: &[&str]) -> Output {
    let dir = dir.to_path_buf();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        doctor(&dir, &cfg, &args)
    })
    .await
    .unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

fn check<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name}: {report}"))
}

fn free_port_config(kick: &FakeKick) -> Config {
    let mut cfg = test_config(kick.kick_config());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    cfg.server.bind = port.local_addr().unwrap().to_string();
    cfg
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_green_against_the_fake_kick_exits_0() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let cfg = free_port_config(&kick);
    let dir = tempfile::tempdir().unwrap();
    let out = doctor_async(dir.path(), cfg, &["clavicular"]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    for name in [
        "config",
        "data dir",
        "streamlink",
        "ffmpeg",
        "ffprobe",
        "kick api",
        "kick app",
        "pusher",
        "channel ids",
        "metrics port",
    ] {
        let line = text.lines().find(|l| l[5..].starts_with(name)).unwrap();
        assert!(line.starts_with("ok "), "{line}");
    }
    assert!(text.contains("config.toml"), "names the file:\n{text}");
    assert!(text.contains("streamlink 8."), "{text}");
    assert!(text.contains(" free"), "{text}");
    assert!(
        !dir.path().join("data/kicktui.db").exists(),
        "a check makes no database"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudflare_a_taken_port_and_a_bad_config_each_say_what_to_do() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    kick.control().set_api_failure(ApiFailure::Cloudflare);
    let mut cfg = free_port_config(&kick);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    cfg.server.bind = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let out = doctor_async(dir.path(), cfg, &["clavicular", "--format", "json"]).await;
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(report["ok"], false);
    let api = check(&report, "kick api");
    assert_eq!(api["status"], "fail");
    assert!(
        api["detail"].as_str().unwrap().contains("Cloudflare"),
        "{api}"
    );
    assert!(api["fix"].as_str().unwrap().contains("channel_id"), "{api}");
    assert_eq!(check(&report, "pusher")["status"], "ok");
    assert_eq!(check(&report, "channel ids")["status"], "fail");
    let port = check(&report, "metrics port");
    assert_eq!(port["status"], "fail");
    assert!(port["fix"].as_str().unwrap().contains("[server] bind"));
    drop(taken);

    // A config that does not parse: named, with the key, and the rest still checked.
    std::fs::write(
        dir.path().join("bad.toml"),
        "[chat]\nwindow_seconds = \"ten\"\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .arg("--config")
        .arg(dir.path().join("bad.toml"))
        .args(["doctor", "--format", "json"])
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let config = check(&report, "config");
    assert_eq!(config["status"], "fail");
    assert!(
        config["detail"].as_str().unwrap().contains("bad.toml"),
        "{config}"
    );
    assert!(
        config["fix"]
            .as_str()
            .unwrap()
            .contains("chat.window_seconds"),
        "{config}"
    );
    assert_eq!(check(&report, "ffmpeg")["status"], "ok");
}

/// A Twitch channel gets the Twitch checks (chat socket, Helix), not Kick's; without
/// credentials the Helix check is skipped with what live status rests on instead.
/// A banned channel cannot go live: doctor says so instead of "answers".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_banned_channel_fails_the_api_check() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    kick.control().set_banned(true);
    let cfg = free_port_config(&kick);
    let dir = tempfile::tempdir().unwrap();
    let out = doctor_async(dir.path(), cfg, &["clavicular", "--format", "json"]).await;
    assert_eq!(out.status.code(), Some(1));
    let api = check(&json(&out), "kick api").clone();
    assert_eq!(api["status"], "fail", "{api}");
    assert!(api["detail"].as_str().unwrap().contains("banned"), "{api}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_twitch_channel_is_checked_against_twitch() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let (twitch, control) = kicktui::fake::twitch::FakeTwitch::start_demo()
        .await
        .unwrap();
    control.set_live("checking");
    let mut cfg = free_port_config(&kick);
    cfg.twitch = twitch.twitch_config();
    let channel = format!("twitch:{}", twitch.channel());
    let dir = tempfile::tempdir().unwrap();
    let run = |cfg: Config| {
        let (path, channel) = (dir.path().to_path_buf(), channel.clone());
        tokio::task::spawn_blocking(move || {
            doctor(&path, &cfg, &[channel.as_str(), "--format", "json"])
        })
    };
    let report = json(&run(cfg.clone()).await.unwrap());
    let chat = check(&report, "twitch chat");
    assert_eq!(chat["status"], "ok", "{report}");
    let joined = format!("joined #{}", twitch.channel());
    assert_eq!(chat["detail"], joined.as_str(), "{chat}");
    let api = check(&report, "twitch api");
    assert_eq!(api["status"], "ok", "{report}");
    assert!(api["detail"].as_str().unwrap().contains("is live"), "{api}");
    let names: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(
        !names.contains(&"pusher") && !names.contains(&"kick api"),
        "{names:?}"
    );

    // A server that refuses tags and commands: chat would read, subs and money would not.
    control.refuse_capabilities(true);
    let report = json(&run(cfg.clone()).await.unwrap());
    let chat = check(&report, "twitch chat");
    assert_eq!(chat["status"], "fail", "{report}");
    assert!(
        chat["detail"].as_str().unwrap().contains("CAP NAK"),
        "{chat}"
    );
    control.refuse_capabilities(false);

    // A suspended channel: Twitch's refusal, not "connects".
    control.suspend_channel(true);
    let report = json(&run(cfg.clone()).await.unwrap());
    let chat = check(&report, "twitch chat");
    assert_eq!(chat["status"], "fail", "{report}");
    assert!(
        chat["detail"]
            .as_str()
            .unwrap()
            .contains("has been suspended"),
        "{chat}"
    );
    control.suspend_channel(false);
    // A channel that does not exist: Twitch does not answer the JOIN at all.
    let (path, typo) = (dir.path().to_path_buf(), cfg.clone());
    let report = tokio::task::spawn_blocking(move || {
        doctor(&path, &typo, &["twitch:nosuchchannel", "--format", "json"])
    });
    let report = json(&report.await.unwrap());
    let chat = check(&report, "twitch chat");
    assert_eq!(chat["status"], "fail", "{report}");
    let said = chat["detail"].as_str().unwrap();
    assert!(
        said.contains("did not answer the JOIN of #nosuchchannel"),
        "{chat}"
    );
    // Helix's empty streams answer is no "offline" for a name that is no channel.
    let api = check(&report, "twitch api")["detail"].clone();
    assert_eq!(
        api,
        "no stream for nosuchchannel: not a channel (Twitch did not answer its JOIN)"
    );
    // Joined, it is offline; refused, doctor cannot tell which.
    control.set_offline();
    let api = |r: &serde_json::Value| check(r, "twitch api")["detail"].clone();
    let offline = format!("{} is offline", twitch.channel());
    assert_eq!(
        api(&json(&run(cfg.clone()).await.unwrap())),
        offline.as_str()
    );
    control.suspend_channel(true);
    let report = json(&run(cfg.clone()).await.unwrap());
    assert_eq!(api(&report), format!("{offline} or not a channel").as_str());
    control.suspend_channel(false);

    cfg.twitch.client_id.clear();
    cfg.twitch.client_secret = Default::default();
    let report = json(&run(cfg).await.unwrap());
    let api = check(&report, "twitch api");
    assert_eq!(api["status"], "skip", "{report}");
    assert!(
        api["detail"].as_str().unwrap().contains("stream itself"),
        "{api}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chat_socket_is_checked_as_the_transport_setting_says() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let run = |cfg: Config| {
        let dir = tempfile::tempdir().unwrap();
        tokio::task::spawn_blocking(move || {
            let out = doctor(dir.path(), &cfg, &["clavicular", "--format", "json"]);
            (out.status.code(), json(&out))
        })
    };
    let names = |report: &serde_json::Value| -> Vec<String> {
        let checks = report["checks"].as_array().unwrap();
        checks.iter().map(|c| c["name"].to_string()).collect()
    };
    // auto, and Kick refuses the Pusher app key: the live run falls back, so no failure.
    let mut cfg = free_port_config(&kick);
    cfg.kick.pusher_url = kick.pusher_url_with_key("stale-key");
    let (code, report) = run(cfg.clone()).await.unwrap();
    assert_eq!(code, Some(0), "{report}");
    let pusher = check(&report, "pusher");
    assert_eq!(pusher["status"], "ok");
    let detail = pusher["detail"].as_str().unwrap();
    assert!(
        detail.contains("refused") && detail.contains("falls back to Centrifugo"),
        "{detail}"
    );
    assert_eq!(check(&report, "centrifugo")["status"], "ok");
    // pusher only: the refusal is a failure, with what to do.
    cfg.kick.transport = kicktui::config::ChatTransport::Pusher;
    let (code, report) = run(cfg.clone()).await.unwrap();
    assert_eq!(code, Some(1));
    assert_eq!(check(&report, "pusher")["status"], "fail");
    assert!(!names(&report).contains(&"\"centrifugo\"".to_string()));
    // centrifugo only: Pusher is not even tried.
    cfg.kick.transport = kicktui::config::ChatTransport::Centrifugo;
    let (code, report) = run(cfg.clone()).await.unwrap();
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(check(&report, "centrifugo")["status"], "ok");
    assert!(!names(&report).contains(&"\"pusher\"".to_string()));
    kick.control().refuse_centrifugo(true);
    let (code, report) = run(cfg).await.unwrap();
    assert_eq!(code, Some(1));
    let c = check(&report, "centrifugo");
    assert_eq!(c["status"], "fail");
    assert!(c["detail"].as_str().unwrap().contains("3500"), "{c}");
}

/// `doctor | head -1`: the reader stops early; that is no panic (exit 101, a backtrace).
#[test]
fn a_reader_that_stops_early_is_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(["doctor", "--format", "json"])
        .env_remove("KICKTUI_CONFIG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() != Some(101) && !err.contains("panicked"),
        "{err}"
    );
}

/// Passwords in configured URLs (`http://user:PASS@host`) stay out of a report meant to be
/// pasted: the checks name the hosts without them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwords_in_configured_urls_are_not_printed() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let mut cfg = free_port_config(&kick);
    let with_password = |url: &str| url.replacen("://", "://user:PASSWD@", 1);
    cfg.kick.api_base = with_password(&cfg.kick.api_base);
    cfg.kick.pusher_url = with_password(&cfg.kick.pusher_url);
    let dir = tempfile::tempdir().unwrap();
    let out = doctor_async(dir.path(), cfg, &["clavicular"]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("PASSWD"), "{text}");
    let api = text
        .lines()
        .find(|l| l[5..].starts_with("kick api"))
        .unwrap();
    assert!(
        api.starts_with("ok ") && api.contains("http://127.0.0.1:"),
        "{api}"
    );
    let pusher = text.lines().find(|l| l[5..].starts_with("pusher")).unwrap();
    assert!(pusher.contains("ws://127.0.0.1:"), "{pusher}");
}

/// `[kick] client_id` / `client_secret`: a run told the user "`kicktui doctor` checks them"
/// when Kick refused them, and doctor did not. Kick is asked for an app token: accepted,
/// refused (the secret never printed), failing, or not asked without both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kick_app_credentials_are_checked() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let cfg = free_port_config(&kick);
    let dir = tempfile::tempdir().unwrap();
    let run = |cfg: Config| doctor_async(dir.path(), cfg, &["clavicular", "--format", "json"]);
    let report = json(&run(cfg.clone()).await);
    let app = check(&report, "kick app");
    assert_eq!(app["status"], "ok", "{app}");

    let mut refused = cfg.clone();
    refused.kick.client_secret = "not-THE-secret".into();
    let out = run(refused).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("not-THE-secret"));
    let report = json(&out);
    let app = check(&report, "kick app");
    assert_eq!(app["status"], "fail", "{app}");
    assert!(app["detail"].as_str().unwrap().contains("refused"), "{app}");
    assert!(
        app["fix"].as_str().unwrap().contains("client_secret"),
        "{app}"
    );

    kick.control().set_official_failure(ApiFailure::ServerError);
    let app = check(&json(&run(cfg.clone()).await), "kick app").clone();
    assert_eq!(app["status"], "fail", "{app}");
    assert!(app["detail"].as_str().unwrap().contains("500"), "{app}");

    let mut none = cfg;
    none.kick.client_id.clear();
    none.kick.client_secret = Default::default();
    let app = check(&json(&run(none).await), "kick app").clone();
    assert_eq!(app["status"], "skip", "{app}");
}
