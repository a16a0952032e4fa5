//! The advisor's public face: its setup from config, the front end's requests, the advice it
//! sends, its status line, and the handle that reaches it.

use tokio::sync::{mpsc, watch};

use super::key::ApiKey;
use super::recent_chat::RecentChat;
use super::tools::ToolCall;
use crate::config::{Advisor, Config};
use crate::domain::Ts;

/// What the actor needs; see [`AdvisorSetup::from_config`].
#[derive(Clone, Debug)]
pub struct AdvisorSetup {
    pub cfg: Advisor,
    pub key: Option<ApiKey>,
    /// Offer `chat_message` (the `[bot]` chat voice is on).
    pub chat_voice: bool,
    /// `[general] store_chat_text`: only then may chat lines be sent.
    pub store_chat_text: bool,
    /// Calls already made in the last hour (from the database), counted in the budget.
    pub earlier_calls: Vec<Ts>,
}

impl AdvisorSetup {
    /// `Ok(None)` when the advisor is off; `Err` says why it cannot start (no key).
    pub fn from_config(c: &Config) -> Result<Option<AdvisorSetup>, String> {
        if !c.advisor.enabled {
            return Ok(None);
        }
        let env = c.advisor.key_env();
        let key = ApiKey::from_env(env);
        if key.is_none() && !is_loopback(c.advisor.api_base()) {
            return Err(format!(
                "advisor: ${env} is not set (advisor.api_key_env); the advisor stays off"
            ));
        }
        Ok(Some(AdvisorSetup {
            cfg: c.advisor.clone(),
            key,
            chat_voice: c.bot.enabled,
            store_chat_text: c.general.store_chat_text,
            earlier_calls: Vec::new(),
        }))
    }
}

/// A local server (Ollama, llama.cpp, vLLM) needs no key.
pub fn is_loopback(base: &str) -> bool {
    reqwest::Url::parse(base).is_ok_and(|u| {
        matches!(
            u.host_str(),
            Some("127.0.0.1" | "localhost" | "[::1]" | "::1")
        )
    })
}

/// Requests from the front end.
#[derive(Clone, Debug, PartialEq)]
pub enum AdvisorCmd {
    /// Ask now (within the budget and backoff).
    AskNow,
    /// The streamer dismissed the open suggestion.
    Dismiss,
    /// The chat voice was turned on or off: offer `chat_message` or not.
    ChatVoice(bool),
}

/// One call's validated answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Advice {
    /// The `advice` row, when stored.
    pub id: Option<i64>,
    pub at: Ts,
    /// Validated tool calls, at most one `SuggestActivity`.
    pub calls: Vec<ToolCall>,
    /// The model's own words: show them, never act on them.
    pub text: Option<String>,
    /// Tool calls that failed validation (each logged once).
    pub rejected: u32,
}

impl Advice {
    /// The suggested activity and why.
    pub fn suggestion(&self) -> Option<(&str, &str)> {
        self.calls.iter().find_map(|c| match c {
            ToolCall::SuggestActivity { arm, reason } => Some((arm.as_str(), reason.as_str())),
            _ => None,
        })
    }
}

/// For the status bar: `advisor: 3/12 calls this hour` plus what happened last.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AdvisorStatus {
    pub budget: String,
    /// `asking…`, `waiting 30 s after: rate limited (429)`, `no calls left this hour`.
    pub note: Option<String>,
    pub calls: u64,
    pub failures: u64,
    /// "Ask now" requests that the budget or backoff turned down.
    pub refused: u64,
}

impl AdvisorStatus {
    /// The note says what is going on now (asking, waiting after a failure, out of calls),
    /// not just when the last answer came.
    pub fn note_is_news(&self) -> bool {
        self.note
            .as_deref()
            .is_some_and(|n| !n.starts_with(super::ADVICE_AT))
    }

    pub fn line(&self) -> String {
        match &self.note {
            Some(n) => format!("{} · {n}", self.budget),
            None => self.budget.clone(),
        }
    }
}

#[derive(Clone)]
pub struct AdvisorHandle {
    pub(super) cmd: mpsc::Sender<AdvisorCmd>,
    pub(super) status: watch::Receiver<AdvisorStatus>,
    /// Set only with `store_chat_text` on.
    pub(super) recent_chat: Option<RecentChat>,
}

impl AdvisorHandle {
    /// Never waits; `false` when the actor is busy with many requests or gone.
    pub fn send(&self, c: AdvisorCmd) -> bool {
        self.cmd.try_send(c).is_ok()
    }

    pub fn ask_now(&self) -> bool {
        self.send(AdvisorCmd::AskNow)
    }

    pub fn status(&self) -> watch::Receiver<AdvisorStatus> {
        self.status.clone()
    }

    /// Where the engine puts chat lines for the advisor: `None` unless `store_chat_text` is on.
    pub fn recent_chat(&self) -> Option<RecentChat> {
        self.recent_chat.clone()
    }
}
