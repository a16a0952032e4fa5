//! `[advisor]` (the optional language-model co-pilot) and `[bot]` (the optional chat voice).
//! Both are off by default: with neither turned on nothing leaves the machine.

use serde::{Deserialize, Serialize};

type Check = Result<(), (String, String)>;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// Anthropic's Messages API with tools.
    #[default]
    Anthropic,
    /// OpenAI-style chat completions with tools: OpenAI, Ollama, llama.cpp, vLLM.
    Openai,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Anthropic => "anthropic",
            Provider::Openai => "openai",
        }
    }

    pub fn default_api_base(self) -> &'static str {
        match self {
            Provider::Anthropic => "https://api.anthropic.com",
            Provider::Openai => "https://api.openai.com",
        }
    }

    /// The model when `[advisor] model` is empty.
    pub fn default_model(self) -> &'static str {
        match self {
            Provider::Anthropic => "claude-sonnet-4-5",
            Provider::Openai => "gpt-4o-mini",
        }
    }

    pub fn default_key_env(self) -> &'static str {
        match self {
            Provider::Anthropic => "ANTHROPIC_API_KEY",
            Provider::Openai => "OPENAI_API_KEY",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Advisor {
    pub enabled: bool,
    pub provider: Provider,
    /// Empty: the provider's own (`https://api.anthropic.com`, `https://api.openai.com`).
    pub api_base: String,
    /// Empty: the provider's own (`claude-sonnet-4-5`, `gpt-4o-mini`); a local server's
    /// (Ollama…) must be named.
    pub model: String,
    /// The name of the environment variable holding the key (never the key itself). Empty:
    /// `ANTHROPIC_API_KEY` / `OPENAI_API_KEY`. A loopback `api_base` works without a key.
    pub api_key_env: String,
    pub interval_seconds: u32,
    pub max_calls_per_hour: u32,
    pub max_tokens: u32,
    pub timeout_seconds: u32,
}

impl Default for Advisor {
    fn default() -> Self {
        Advisor {
            enabled: false,
            provider: Provider::Anthropic,
            api_base: String::new(),
            model: String::new(),
            api_key_env: String::new(),
            interval_seconds: 300,
            max_calls_per_hour: 12,
            max_tokens: 512,
            timeout_seconds: 30,
        }
    }
}

impl Advisor {
    pub fn api_base(&self) -> &str {
        let base = if self.api_base.is_empty() {
            self.provider.default_api_base()
        } else {
            &self.api_base
        };
        // Guides write OpenAI-style bases with `/v1`; kicktui adds it itself.
        let base = base.trim_end_matches('/');
        base.strip_suffix("/v1").unwrap_or(base)
    }

    pub fn model(&self) -> &str {
        if self.model.trim().is_empty() {
            self.provider.default_model()
        } else {
            &self.model
        }
    }

    pub fn key_env(&self) -> &str {
        if self.api_key_env.is_empty() {
            self.provider.default_key_env()
        } else {
            &self.api_key_env
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Bot {
    /// Post to chat with the token from `kicktui login kick`.
    pub enabled: bool,
    /// Never more than this many messages a minute, whatever is queued.
    pub max_per_minute: u32,
    /// A queued message older than this is dropped unsent.
    pub stale_seconds: u32,
    /// The same text again within this long is dropped.
    pub dedup_seconds: u32,
    /// Where Kick sends the browser after login; must match the app's redirect URL at
    /// kick.com/settings/developer. kicktui listens on its port (loopback only).
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    /// The channel to post in; 0: the channel of the account that logged in.
    pub broadcaster_user_id: u64,
}

impl Default for Bot {
    fn default() -> Self {
        Bot {
            enabled: false,
            max_per_minute: 6,
            stale_seconds: 60,
            dedup_seconds: 300,
            redirect_uri: "http://127.0.0.1:8976/callback".into(),
            scopes: vec!["user:read".into(), "chat:write".into()],
            broadcaster_user_id: 0,
        }
    }
}

fn range(key: &str, v: u32, lo: u32, hi: u32) -> Check {
    if (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err((
            key.into(),
            format!("a whole number from {lo} to {hi}, got {v}"),
        ))
    }
}

fn http(key: &str, v: &str) -> Check {
    if v.starts_with("http://") || v.starts_with("https://") {
        Ok(())
    } else {
        Err((
            key.into(),
            format!("a URL starting with http:// or https://, got {v:?}"),
        ))
    }
}

/// An environment variable's name. A key pasted here by mistake must not be echoed back
/// (into an error, the log or `doctor`), so the error does not quote it.
fn env_name(key: &str, v: &str) -> Check {
    let name = v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !v.starts_with(|c: char| c.is_ascii_digit())
        && v.len() <= 64
        && !looks_random(v);
    if v.is_empty() || name {
        Ok(())
    } else {
        Err((
            key.into(),
            "the NAME of an environment variable holding the key (letters, digits, _), such as \
             ANTHROPIC_API_KEY; it looks like a key itself, which belongs in that variable \
             (the value is not shown)"
                .into(),
        ))
    }
}

/// Some keys are only letters, digits and `_` (Groq's `gsk_…`): a name is short words, while
/// a key has a long run without `_` or mixes lower case, upper case and digits.
fn looks_random(v: &str) -> bool {
    let has = |f: fn(&char) -> bool| v.chars().any(|c| f(&c));
    v.split('_').any(|word| word.len() >= 20)
        || (v.len() >= 16
            && has(char::is_ascii_lowercase)
            && has(char::is_ascii_uppercase)
            && has(char::is_ascii_digit))
}

pub(super) fn validate(a: &Advisor, b: &Bot) -> Check {
    env_name("advisor.api_key_env", &a.api_key_env)?;
    if !a.api_base.is_empty() {
        http("advisor.api_base", &a.api_base)?;
    }
    // Only the providers' own APIs have a default model; a local server's must be named.
    let own_api = a.api_base.is_empty() || a.api_base() == a.provider.default_api_base();
    if a.enabled && a.model.trim().is_empty() && !own_api {
        return Err((
            "advisor.model".into(),
            "the model the server at api_base serves (only the providers' own APIs have a \
             default)"
                .into(),
        ));
    }
    range("advisor.interval_seconds", a.interval_seconds, 30, 86_400)?;
    range("advisor.max_calls_per_hour", a.max_calls_per_hour, 1, 600)?;
    range("advisor.max_tokens", a.max_tokens, 16, 32_000)?;
    range("advisor.timeout_seconds", a.timeout_seconds, 1, 600)?;
    range("bot.max_per_minute", b.max_per_minute, 1, 60)?;
    range("bot.stale_seconds", b.stale_seconds, 1, 3600)?;
    range("bot.dedup_seconds", b.dedup_seconds, 0, 86_400)?;
    if b.enabled && !b.scopes.iter().any(|s| s == "chat:write") {
        return Err((
            "bot.scopes".into(),
            "a list holding \"chat:write\" (the chat voice posts with it)".into(),
        ));
    }
    http("bot.redirect_uri", &b.redirect_uri)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_pasted_as_the_variable_name_is_refused_without_echoing_it() {
        let b = Bot::default();
        let mut a = Advisor::default();
        for ok in [
            "",
            "ANTHROPIC_API_KEY",
            "my_key_2",
            "Groq_Key",
            "OPENAI_API_KEY_2",
        ] {
            a.api_key_env = ok.into();
            assert!(validate(&a, &b).is_ok(), "{ok}");
        }
        for bad in [
            "sk-ant-api03-FAKESECRET123",
            "sk-FAKESECRET123",
            "1KEY",
            "gsk_FAKESECRET68abcXyZ09",
            "gsk_fakesecret68abcxyz09qwerty7",
        ] {
            a.api_key_env = bad.into();
            let (key, why) = validate(&a, &b).expect_err(bad);
            assert_eq!(key, "advisor.api_key_env");
            assert!(
                !why.contains("FAKESECRET") && why.contains("not shown"),
                "{why}"
            );
        }
    }

    #[test]
    fn an_openai_style_base_ending_in_v1_is_not_doubled() {
        for base in [
            "http://127.0.0.1:11434/v1",
            "http://127.0.0.1:11434/v1/",
            "http://127.0.0.1:11434",
        ] {
            let a = Advisor {
                api_base: base.into(),
                ..Advisor::default()
            };
            assert_eq!(a.api_base(), "http://127.0.0.1:11434", "{base}");
        }
    }
}
