//! The actor against the fake Anthropic- and OpenAI-shaped servers, a real SQLite file and the
//! log output captured: suggestions parsed, invalid calls ignored, the budget honoured, backoff
//! after 429 / 500 / garbage / slow replies, rows stored, and no key in any log line.
//! Replies are in `actor_tests_replies.rs`, when calls are made in `actor_tests_pacing.rs`.

use std::time::Duration;

use serde_json::json;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::*;
use crate::config::{Advisor, Provider};
use crate::engine::view::{ArmView, View};
use crate::fake::llm::{FakeLlm, LlmReply};
use crate::store::{Store, StoreWriter, db_path};
use crate::test_logs::capture;

const KEY: &str = "sk-test-SECRET-0123456789";

fn view() -> View {
    let mut v = View::default();
    let e = &mut v.snapshot.engage;
    e.activity = Some("talk".into());
    e.suggestion = Some("gameplay".into());
    e.engagement = Some(42.0);
    e.context = Some("Stream state: 42 viewers, chat velocity 12.5 msg/min".into());
    e.arms = ["talk", "gameplay", "q_and_a"]
        .iter()
        .map(|n| ArmView {
            name: (*n).into(),
            mean: 0.5,
            ..ArmView::default()
        })
        .collect();
    v
}

struct Rig {
    llm: FakeLlm,
    handle: AdvisorHandle,
    advice: mpsc::Receiver<Advice>,
    writer: Option<StoreWriter>,
    dir: tempfile::TempDir,
    cancel: CancellationToken,
    view: watch::Sender<View>,
}

async fn rig(provider: Provider, max_calls: u32, timeout: u32, chat_voice: bool) -> Rig {
    rig_with(provider, max_calls, timeout, chat_voice, |_| {}).await
}

async fn rig_with(
    provider: Provider,
    max_calls: u32,
    timeout: u32,
    chat_voice: bool,
    tweak: impl FnOnce(&mut AdvisorSetup),
) -> Rig {
    let llm = FakeLlm::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let writer = StoreWriter::spawn(&db_path(dir.path())).unwrap();
    let cfg = Advisor {
        enabled: true,
        provider,
        api_base: llm.base(),
        model: "test-model".into(),
        interval_seconds: 3600,
        max_calls_per_hour: max_calls,
        timeout_seconds: timeout,
        ..Advisor::default()
    };
    let mut setup = AdvisorSetup {
        cfg,
        key: Some(ApiKey::new(KEY)),
        chat_voice,
        store_chat_text: false,
        earlier_calls: Vec::new(),
    };
    tweak(&mut setup);
    let (view_tx, view_rx) = watch::channel(view());
    let (tx, advice) = mpsc::channel(8);
    let cancel = CancellationToken::new();
    let handle = spawn(setup, view_rx, Some(writer.handle()), tx, cancel.clone()).unwrap();
    Rig {
        llm,
        handle,
        advice,
        writer: Some(writer),
        dir,
        cancel,
        view: view_tx,
    }
}

impl Rig {
    async fn next_advice(&mut self) -> Advice {
        tokio::time::timeout(Duration::from_secs(10), self.advice.recv())
            .await
            .expect("advice in time")
            .expect("the actor is running")
    }

    async fn status_until(&self, f: impl Fn(&AdvisorStatus) -> bool) -> AdvisorStatus {
        let mut rx = self.handle.status();
        tokio::time::timeout(Duration::from_secs(10), rx.wait_for(|s| f(s)))
            .await
            .expect("status in time")
            .expect("the actor is running")
            .clone()
    }

    async fn store(mut self) -> Store {
        self.cancel.cancel();
        if let Some(w) = self.writer.take() {
            w.shutdown_async().await.unwrap();
        }
        Store::open(&db_path(self.dir.path())).unwrap()
    }
}

#[path = "actor_tests_pacing.rs"]
mod pacing;
#[path = "actor_tests_replies.rs"]
mod replies;

#[test]
fn no_key_and_a_remote_base_keeps_the_advisor_off() {
    let mut c = crate::config::Config::default();
    assert!(matches!(AdvisorSetup::from_config(&c), Ok(None)));
    c.advisor.enabled = true;
    c.advisor.api_key_env = "KICKTUI_TEST_NO_SUCH_KEY_VAR".into();
    let err = AdvisorSetup::from_config(&c).err().unwrap_or_default();
    assert!(
        err.contains("$KICKTUI_TEST_NO_SUCH_KEY_VAR is not set"),
        "{err}"
    );
    c.advisor.provider = Provider::Openai;
    c.advisor.api_base = "http://127.0.0.1:11434".into();
    assert!(matches!(AdvisorSetup::from_config(&c), Ok(Some(s)) if s.key.is_none()));
}
