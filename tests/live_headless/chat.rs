//! The chat socket: back after close codes and a drop counting each message once, a refused
//! app key, and chat moving to the channel's own ids once the API answers.

use kicktui::fake::ApiFailure;
use tokio::time::timeout;

use crate::fake;
use crate::support::{LIMIT, Run, received, resubscribed, test_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn back_after_4200_4201_and_a_drop_counting_each_message_once() {
    let kick = fake().await;
    let c = kick.control();
    let mut run = Run::start(
        &test_config(kick.kick_config()),
        &["clavicular", "--headless"],
    );
    run.expect("Connected to clavicular chat").await;
    let mut conn = timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    for (i, fault) in [Some(4200), Some(4201), None].into_iter().enumerate() {
        for n in 0..20 {
            c.chat(&format!("viewer{n}"), "hello");
        }
        // Acked in order: once this line prints, every chat before it was counted.
        c.kicks("marker", 1, "");
        run.expect(&format!("Kicks: marker sent {} Kicks", 1)).await;
        match fault {
            Some(code) => c.close_all(code),
            None => c.drop_all(),
        }
        // Sent during the reconnect: a quick client may already be back for it (CI saw that
        // once), so only what the fake delivered must be counted, once.
        c.chat("lost", &format!("gap {i}"));
        // Back when the fake sees the new subscriptions.
        conn = resubscribed(&c, conn).await;
    }
    // However quick the reconnects, the output says how many there were.
    run.expect("Chat live (reconnected 3×)").await;
    c.chat("last", "one more");
    c.kicks("marker", 1, "");
    run.expect("Kicks: marker sent 1 Kicks").await;
    let (status, lines, _dir) = run.stop("INT").await;
    assert!(status.success(), "{status}");
    let delivered = c.with_stats(|s| s.delivered_count("ChatMessageEvent")) as u64;
    assert!(
        (61..=64).contains(&delivered),
        "{delivered} chat frames delivered"
    );
    assert_eq!(received(&lines), delivered, "{}", lines.join("\n"));
    let stats = c.stats();
    assert_eq!(
        (stats.closes(4200), stats.closes(4201), stats.drops),
        (1, 1, 1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_app_key_says_why_and_tries_again_later() {
    let kick = fake().await;
    let c = kick.control();
    let mut cfg = test_config(kick.kick_config());
    cfg.kick.pusher_url = kick.pusher_url_with_key("eb1d5f283081a78b932c");
    // Pusher only: `auto` would go on to Centrifugo (tests/chat_transport.rs).
    cfg.kick.transport = kicktui::config::ChatTransport::Pusher;
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    let line = run.expect("(refused: Kick refused").await;
    assert!(
        line.contains("Chat reconnecting in")
            && line.contains("refused: Kick refused the chat connection (Pusher: close code 4001")
            && line.contains("[kick] pusher_url"),
        "{line}"
    );
    assert_eq!(
        c.stats().connections_accepted,
        2,
        "one fresh look-up, then a wait before the next try"
    );
    let (status, lines, _dir) = run.stop("HUP").await;
    assert!(status.success(), "{status}");
    assert!(lines.iter().any(|l| l.contains("Received 0 chat messages")));
}

/// Ids left in a config several channels share are another channel's: while the API does
/// not answer chat joins with them, and once it answers chat moves to the channel's own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_moves_to_the_channels_own_ids_once_the_api_answers() {
    let kick = fake().await;
    let c = kick.control();
    c.set_api_failure(ApiFailure::RateLimited {
        retry_after: Some(1),
    });
    let mut kick_cfg = kick.kick_config();
    kick_cfg.client_id.clear();
    kick_cfg.client_secret = Default::default();
    let ids = ["--channel-id", "1001", "--chatroom-id", "2001"];
    let mut run = Run::start(
        &test_config(kick_cfg),
        &[&["clavicular", "--headless"], &ids[..]].concat(),
    );
    run.expect("Connected to clavicular chat").await;
    c.set_api_failure(ApiFailure::None);
    run.expect("are not this channel's").await;
    // The channel's own chat: its socket subscribes to the channel's names.
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.set_live("The right chat");
    run.expect("Stream is LIVE!").await;
    let (status, _, _) = run.stop("TERM").await;
    assert!(status.success(), "{status}");
}
