//! One alert delivered to one target: a refusal is not retried and says what to do (a deleted
//! webhook, a redirect), a command gets the alert in its argv and environment, and no URL or
//! webhook's words reach the log.

use kicktui::notify::alert::Alert;
use kicktui::notify::secret::SecretUrl;
use kicktui::notify::{self, Target};
use serde_json::{Value, json};

use crate::{Receiver, fast, live_alert};

#[tokio::test]
async fn a_refused_alert_is_not_retried_and_unreachable_urls_stay_out_of_the_log() {
    let (logs, _guard) = kicktui::test_logs::capture();
    let mut rx = Receiver::start().await;
    rx.answer("gone", &[(404, "")]);
    let http = reqwest::Client::new();
    let alert = live_alert();
    assert!(
        !notify::deliver::deliver(&http, &Target::Webhook(rx.url("gone")), &alert, fast()).await
    );
    rx.next().await;
    assert!(rx.seen.try_recv().is_err(), "a 404 is not retried");
    // Nothing listens here: connection refused, retried, given up. (Port 1, not a port freed
    // a moment ago, which a parallel test's listener could take.)
    let dead = "http://127.0.0.1:1/api/webhooks/1/s3cr3t".to_string();
    let target = Target::Discord(SecretUrl::new(&dead).unwrap());
    assert!(!notify::deliver::deliver(&http, &target, &alert, fast()).await);
    let text = logs.text();
    assert!(text.contains("given up after 3 attempts"), "{text}");
    // Said at the first failure, with the cause (not only "error sending request").
    let first = text
        .lines()
        .find(|l| l.contains("retrying"))
        .expect("first failure");
    assert!(first.contains("Connection refused"), "{first}");
    assert!(
        !text.contains("s3cr3t") && !text.contains("/hooks/gone"),
        "{text}"
    );
}

#[tokio::test]
async fn a_command_gets_the_alert_in_its_argv_and_environment() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("alert.json");
    let argv = vec![
        "sh".to_string(),
        "-c".to_string(),
        format!(
            "printf '%s|%s|%s' \"$1\" \"$KICKTUI_EVENT\" \"$KICKTUI_ALERT\" > '{}'",
            out.display()
        ),
        "sh".to_string(),
        "{path}".to_string(),
    ];
    let alert = Alert {
        event: "clip_ready",
        text: "Clip ready".into(),
        data: json!({"path": "/c/a.mp4"}),
    };
    let http = reqwest::Client::new();
    assert!(notify::deliver::deliver(&http, &Target::Command(argv), &alert, fast()).await);
    let text = std::fs::read_to_string(&out).unwrap();
    let (head, json) = text.split_at(text.find('{').unwrap());
    assert_eq!(head, "/c/a.mp4|clip_ready|");
    let v: Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["text"], "Clip ready");
    // Without a file, an argument that is only {path} is left out, not passed empty.
    let live = Alert {
        event: "live",
        text: "clavicular is LIVE".into(),
        data: json!({"channel": "clavicular"}),
    };
    let counted = vec![
        "sh".to_string(),
        "-c".to_string(),
        format!("printf '%s' \"$#\" > '{}'", out.display()),
        "sh".to_string(),
        "{text}".to_string(),
        "{path}".to_string(),
    ];
    assert!(notify::deliver::deliver(&http, &Target::Command(counted), &live, fast()).await);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "1");
    let fails = vec!["sh".into(), "-c".into(), "exit 3".into()];
    assert!(!notify::deliver::deliver(&http, &Target::Command(fails), &alert, fast()).await);
}

/// A deleted Discord webhook: the alert is refused at once, with Discord's words and what to
/// do (it said only "HTTP 404").
#[tokio::test]
async fn a_deleted_webhook_says_so_and_what_to_do() {
    let (logs, _guard) = kicktui::test_logs::capture();
    let mut rx = Receiver::start().await;
    rx.answer(
        "discord",
        &[(404, r#"{"message": "Unknown Webhook", "code": 10015}"#)],
    );
    let http = reqwest::Client::new();
    let alert = live_alert();
    let target = Target::Discord(rx.url("discord"));
    assert!(!notify::deliver::deliver(&http, &target, &alert, fast()).await);
    rx.next().await;
    let text = logs.text();
    assert!(
        text.contains("refused (HTTP 404: Unknown Webhook; the webhook was deleted"),
        "{text}"
    );
}

/// A webhook that redirects: not followed, not retried, said once; and another server's
/// words (which may quote its URL's secret part) are not logged.
#[tokio::test]
async fn a_redirect_is_refused_and_a_webhooks_words_stay_out_of_the_log() {
    let (logs, _guard) = kicktui::test_logs::capture();
    let mut rx = Receiver::start().await;
    rx.answer(
        "hook",
        &[
            (308, ""),
            (404, r#"{"message": "webhook SECRET-UUID not registered"}"#),
        ],
    );
    let http = notify::http_client();
    let alert = live_alert();
    let target = Target::Webhook(rx.url("hook"));
    assert!(!notify::deliver::deliver(&http, &target, &alert, fast()).await);
    assert!(!notify::deliver::deliver(&http, &target, &alert, fast()).await);
    rx.next().await;
    rx.next().await;
    let text = logs.text();
    assert!(text.contains("HTTP 308: it redirects elsewhere"), "{text}");
    assert!(
        text.contains("refused (HTTP 404; the webhook was deleted"),
        "{text}"
    );
    assert!(!text.contains("SECRET-UUID"), "{text}");
}
