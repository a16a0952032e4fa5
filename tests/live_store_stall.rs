//! The engine waits for a moment's commit (a moment shown as saved is saved): while the
//! database cannot be written (here another program holds its write lock), chat queues up.
//! Once the commit goes through, that chat counts at the times it came, not all at once.

mod support;

use std::time::Duration;

use kicktui::fake::{FakeConfig, FakeKick};
use support::{Run, db, test_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_queued_behind_a_stalled_commit_is_no_spike() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let cfg = test_config(kick.kick_config());
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    run.expect("Connected to clavicular chat").await;
    tokio::time::timeout(Duration::from_secs(10), c.wait_subscribed())
        .await
        .unwrap();
    c.set_live("Steady");
    run.expect("Stream is LIVE!").await;

    // A steady 2 msg/s from ten chatters: never a spike.
    let steady = {
        let c = c.clone();
        tokio::spawn(async move {
            for i in 0u32.. {
                c.chat(
                    &format!("regular{}", i % 10),
                    &format!("chatting along {i}"),
                );
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_secs(4)).await;

    // Another program takes the write lock; a sub burst's moment must wait for it.
    let data = run.dir.path().join("data");
    let lock = db(&data);
    lock.execute_batch("BEGIN EXCLUSIVE").unwrap();
    for i in 0..5 {
        c.sub(&format!("subber{i}"), 1);
    }
    tokio::time::sleep(Duration::from_secs(8)).await;
    lock.execute_batch("COMMIT").unwrap();
    drop(lock);

    run.expect("SUB BURST at").await;
    // What queued meanwhile (16 messages) has gone in by the next chat lines.
    for _ in 0..2 {
        run.expect("Chat:").await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    steady.abort();
    let (status, lines, _dir) = run.stop("TERM").await;
    assert!(status.success());
    let all = lines.join("\n");
    assert!(
        !all.contains("CHAT SPIKE") && !all.contains("← SPIKE"),
        "{all}"
    );
    // The report's peak is the steady rate (a 3 s window holds 6 or 7 messages), not the
    // queued chat counted in the second the commit went through.
    let peak: f64 = all
        .split("peak ")
        .find_map(|rest| {
            let (n, unit) = rest.split_once(' ')?;
            unit.starts_with("msg/s").then(|| n.parse().ok())?
        })
        .unwrap_or_else(|| panic!("no chat peak in the report:\n{all}"));
    assert!(peak <= 3.0, "peak {peak} msg/s:\n{all}");
}
