//! The tools the model may call, as one table: the JSON schema offered to the model and the
//! validation of every call it makes come from the same [`Field`]s. Pure: no I/O.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::terminal_text::clean;
use crate::text_fit::cut_chars;

/// Longest reason / talking point the TUI shows.
pub const MAX_REASON_CHARS: usize = 200;
/// Kick allows 500; a bot line should be much shorter.
pub const MAX_CHAT_CHARS: usize = 300;
/// The model's free text, as shown (never acted on).
pub const MAX_FREE_TEXT_CHARS: usize = 500;
/// A model's word quoted in a log line (an unknown activity or field).
const MAX_QUOTED_CHARS: usize = 40;

/// A validated tool call: the only thing the rest of kicktui ever sees from the model.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "tool", rename_all = "snake_case")]
pub enum ToolCall {
    /// Switch to this activity (a bandit arm), because…
    SuggestActivity { arm: String, reason: String },
    /// Something to say or do on stream.
    TalkingPoint { text: String },
    /// A "suggested" moment: the streamer keeps or drops it.
    MarkMoment { reason: String },
    /// A line for chat; posted only after the streamer approves it.
    ChatMessage { text: String },
}

impl ToolCall {
    pub fn name(&self) -> &'static str {
        match self {
            ToolCall::SuggestActivity { .. } => "suggest_activity",
            ToolCall::TalkingPoint { .. } => "talking_point",
            ToolCall::MarkMoment { .. } => "mark_moment",
            ToolCall::ChatMessage { .. } => "chat_message",
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    /// Free text up to this many characters.
    Text(usize),
    /// One of the arms' names.
    Arm,
}

#[derive(Clone, Copy, Debug)]
struct Field {
    name: &'static str,
    kind: Kind,
    description: &'static str,
}

struct Tool {
    name: &'static str,
    description: &'static str,
    fields: &'static [Field],
}

const REASON: Field = Field {
    name: "reason",
    kind: Kind::Text(MAX_REASON_CHARS),
    description: "One short sentence the streamer reads at a glance.",
};

const TOOLS: &[Tool] = &[
    Tool {
        name: "suggest_activity",
        description: "Suggest a change: the activity the streamer switches to next, one of \
                      the listed activities other than the current one.",
        fields: &[
            Field {
                name: "arm",
                kind: Kind::Arm,
                description: "The activity, exactly as listed.",
            },
            REASON,
        ],
    },
    Tool {
        name: "talking_point",
        description: "A short thing the streamer could say or do right now.",
        fields: &[Field {
            name: "text",
            kind: Kind::Text(MAX_REASON_CHARS),
            description: "One short sentence.",
        }],
    },
    Tool {
        name: "mark_moment",
        description: "Propose marking the last minute as a moment worth clipping; the streamer \
                      keeps or drops it.",
        fields: &[REASON],
    },
    Tool {
        name: "chat_message",
        description: "Propose a message for the stream's chat; the streamer approves it \
                      before it is posted.",
        fields: &[Field {
            name: "text",
            kind: Kind::Text(MAX_CHAT_CHARS),
            description: "The message, plain text, no links.",
        }],
    },
];

/// A tool as offered to a provider (each provider wraps it its own way).
#[derive(Clone, Debug, PartialEq)]
pub struct ToolSpec {
    pub name: &'static str,
    pub description: &'static str,
    /// JSON Schema of the arguments.
    pub schema: Value,
}

/// The tools offered: `chat_message` only while the chat voice is on.
pub fn tool_specs(arms: &[String], chat_voice: bool) -> Vec<ToolSpec> {
    TOOLS
        .iter()
        .filter(|t| chat_voice || t.name != "chat_message")
        .map(|t| {
            let mut props = Map::new();
            for f in t.fields {
                let p = match f.kind {
                    Kind::Text(max) => json!({
                        "type": "string", "maxLength": max, "description": f.description
                    }),
                    Kind::Arm => json!({
                        "type": "string", "enum": arms, "description": f.description
                    }),
                };
                props.insert(f.name.into(), p);
            }
            let required: Vec<&str> = t.fields.iter().map(|f| f.name).collect();
            ToolSpec {
                name: t.name,
                description: t.description,
                schema: json!({
                    "type": "object",
                    "properties": props,
                    "required": required,
                    "additionalProperties": false,
                }),
            }
        })
        .collect()
}

/// Why a call was ignored (one log line each).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("unknown tool")]
    UnknownTool,
    #[error("tool not offered")]
    NotOffered,
    #[error("arguments are not a JSON object")]
    NotAnObject,
    #[error("missing field `{0}`")]
    Missing(&'static str),
    #[error("field `{0}` is not a string")]
    NotAString(&'static str),
    #[error("field `{0}` is empty")]
    Empty(&'static str),
    #[error("field `{field}` is {chars} characters, at most {max} allowed")]
    TooLong {
        field: &'static str,
        chars: usize,
        max: usize,
    },
    /// The activity asked for and the known ones, each as `quoted` makes it.
    #[error("unknown activity \"{arm}\" (not one of the arms: {arms})")]
    UnknownArm { arm: String, arms: String },
    /// The first field the tool does not have, as `quoted` makes it.
    #[error("unexpected field \"{0}\"")]
    UnexpectedField(String),
    #[error("a chat line with a link (the tool says plain text, no links)")]
    Link,
}

/// Whether a chat line carries a link: the model is told "no links", and a streamer
/// approving lines at speed should not post one by accident.
/// A bare domain counts too (`discord.gg/abc`, `bit.ly`, `shop.de`): a host with a path, or
/// one under a common top-level domain, or a country's (two letters) after a name of four
/// letters or more or a second level (`promo.co.uk`): chat's `gg.ez` and `lol.no` are not.
fn has_link(s: &str) -> bool {
    let lower = s.to_lowercase();
    ["http://", "https://", "www."]
        .iter()
        .any(|l| lower.contains(l))
        || lower.split_whitespace().any(is_bare_domain)
}

/// Top-level domains a bare `name.tld` is taken for a link under (no path needed).
const COMMON_TLDS: [&str; 24] = [
    "com", "net", "org", "gg", "ly", "tv", "io", "co", "me", "be", "to", "xyz", "app", "dev",
    "info", "link", "live", "site", "shop", "store", "online", "club", "gl", "tk",
];

fn is_bare_domain(word: &str) -> bool {
    let word = word.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '/');
    let (host, path) = match word.split_once('/') {
        Some((h, _)) => (h, true),
        None => (word, false),
    };
    let labels: Vec<&str> = host.split('.').collect();
    let Some(tld) = labels.last() else {
        return false;
    };
    let hostlike = labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic());
    let country = tld.len() == 2 && (labels.len() > 2 || labels[0].len() >= 4);
    hostlike && (path || country || COMMON_TLDS.contains(tld))
}

/// Checks one call against its tool's schema. `arms` are the activities the bandit knows.
pub fn validate(
    name: &str,
    input: &Value,
    arms: &[String],
    chat_voice: bool,
) -> Result<ToolCall, Invalid> {
    let tool = TOOLS
        .iter()
        .find(|t| t.name == name)
        .ok_or(Invalid::UnknownTool)?;
    if tool.name == "chat_message" && !chat_voice {
        return Err(Invalid::NotOffered);
    }
    let obj = input.as_object().ok_or(Invalid::NotAnObject)?;
    if let Some(k) = obj
        .keys()
        .find(|k| !tool.fields.iter().any(|f| f.name == *k))
    {
        return Err(Invalid::UnexpectedField(quoted(k)));
    }
    let mut vals = Vec::with_capacity(tool.fields.len());
    for f in tool.fields {
        let raw = obj.get(f.name).ok_or(Invalid::Missing(f.name))?;
        let s = raw.as_str().ok_or(Invalid::NotAString(f.name))?;
        let s = clean(s);
        if s.is_empty() {
            return Err(Invalid::Empty(f.name));
        }
        match f.kind {
            Kind::Text(max) => {
                let chars = s.chars().count();
                if chars > max {
                    return Err(Invalid::TooLong {
                        field: f.name,
                        chars,
                        max,
                    });
                }
            }
            Kind::Arm => {
                if !arms.iter().any(|a| a == &s) {
                    let known: Vec<String> = arms.iter().map(|a| quoted(a)).collect();
                    return Err(Invalid::UnknownArm {
                        arm: quoted(&s),
                        arms: known.join(", "),
                    });
                }
            }
        }
        vals.push(s);
    }
    if tool.name == "chat_message" && vals.iter().any(|v| has_link(v)) {
        return Err(Invalid::Link);
    }
    let mut it = vals.into_iter();
    let mut next = || it.next().unwrap_or_default();
    Ok(match tool.name {
        "suggest_activity" => ToolCall::SuggestActivity {
            arm: next(),
            reason: next(),
        },
        "talking_point" => ToolCall::TalkingPoint { text: next() },
        "mark_moment" => ToolCall::MarkMoment { reason: next() },
        _ => ToolCall::ChatMessage { text: next() },
    })
}

/// A model's word fit for a log line: no terminal escapes, no newline, and short (a field's
/// name is any length the model likes).
fn quoted(s: &str) -> String {
    cut_chars(&clean(s), MAX_QUOTED_CHARS)
}

/// The model's free text as shown: cleaned and cut to [`MAX_FREE_TEXT_CHARS`].
pub fn free_text(s: &str) -> Option<String> {
    let c = clean(s);
    if c.is_empty() {
        return None;
    }
    Some(match c.char_indices().nth(MAX_FREE_TEXT_CHARS) {
        Some((i, _)) => format!("{}…", &c[..i]),
        None => c,
    })
}

#[cfg(test)]
#[path = "tools_tests.rs"]
mod tests;
