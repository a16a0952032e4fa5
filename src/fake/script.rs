//! Timed scripts for the fake: `(offset, action)` steps, built in code or read from JSON /
//! TOML, e.g. `[[steps]]\nat = 2.5\naction = "chat"\nuser = "viewer1"\ntext = "CLIP THAT"`.

use std::time::Duration;

use serde::Deserialize;
use tokio::time::{Instant, sleep_until};

use super::{ApiFailure, FakeControl, Refuse};

/// One thing the fake does.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    Live {
        title: String,
    },
    Offline,
    Viewers {
        count: u32,
    },
    Chat {
        user: String,
        text: String,
    },
    /// `messages` lines from `users` chatters over `seconds`.
    Burst {
        messages: u32,
        users: u32,
        #[serde(default)]
        seconds: f64,
    },
    Sub {
        user: String,
        #[serde(default = "one")]
        months: u32,
    },
    GiftSubs {
        gifter: String,
        count: u32,
    },
    Kicks {
        user: String,
        amount: u32,
        #[serde(default)]
        message: String,
    },
    Raid {
        host: String,
        viewers: u32,
    },
    Malformed,
    UnknownEvent,
    CloseAll {
        code: u16,
    },
    DropAll,
    Refuse {
        seconds: f64,
        #[serde(default = "upgrade")]
        how: Refuse,
    },
    ApiFailure {
        mode: ApiFailure,
    },
}

fn one() -> u32 {
    1
}

fn upgrade() -> Refuse {
    Refuse::Upgrade
}

fn secs(s: f64) -> Duration {
    Duration::try_from_secs_f64(s).unwrap_or_default()
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// From the start of the run.
    pub at: Duration,
    pub action: Action,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Script {
    /// In time order.
    pub steps: Vec<Step>,
}

#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    #[error("fake script is not valid JSON for a script: {0}")]
    Json(String),
    #[error("fake script is not valid TOML for a script: {0}")]
    Toml(String),
    #[error("fake script step {index}: `at` must be a finite number of seconds ≥ 0, got {at}")]
    BadTime { index: usize, at: f64 },
}

/// The file form of a step: `{"at": seconds, "action": "...", ...fields}`.
#[derive(Deserialize)]
struct FileStep {
    at: f64,
    #[serde(flatten)]
    action: Action,
}

#[derive(Deserialize)]
struct FileScript {
    steps: Vec<FileStep>,
}

impl Script {
    pub fn new() -> Script {
        Script::default()
    }

    /// Adds a step `at_secs` after the start (builder style; order does not matter).
    pub fn at(mut self, at_secs: f64, action: Action) -> Script {
        self.steps.push(Step {
            at: secs(at_secs),
            action,
        });
        self.steps.sort_by_key(|s| s.at);
        self
    }

    /// `{"steps": [...]}` or a bare array of steps.
    pub fn from_json(text: &str) -> Result<Script, ScriptError> {
        let steps = match serde_json::from_str::<FileScript>(text) {
            Ok(f) => f.steps,
            Err(_) => serde_json::from_str::<Vec<FileStep>>(text)
                .map_err(|e| ScriptError::Json(e.to_string()))?,
        };
        Script::from_file_steps(steps)
    }

    /// `[[steps]]` tables.
    pub fn from_toml(text: &str) -> Result<Script, ScriptError> {
        let file: FileScript =
            toml::from_str(text).map_err(|e| ScriptError::Toml(e.to_string()))?;
        Script::from_file_steps(file.steps)
    }

    fn from_file_steps(steps: Vec<FileStep>) -> Result<Script, ScriptError> {
        let mut script = Script::new();
        for (index, s) in steps.into_iter().enumerate() {
            if !s.at.is_finite() || s.at < 0.0 {
                return Err(ScriptError::BadTime { index, at: s.at });
            }
            script.steps.push(Step {
                at: secs(s.at),
                action: s.action,
            });
        }
        script.steps.sort_by_key(|s| s.at);
        Ok(script)
    }

    /// When the last step starts.
    pub fn duration(&self) -> Duration {
        self.steps.last().map(|s| s.at).unwrap_or_default()
    }

    pub(crate) async fn run(&self, control: &FakeControl) {
        let start = Instant::now();
        let mut bursts = Vec::new();
        for step in &self.steps {
            sleep_until(start + step.at).await;
            if let Action::Burst {
                messages,
                users,
                seconds,
            } = step.action
            {
                let c = control.clone();
                bursts.push(tokio::spawn(async move {
                    c.burst(messages, users, secs(seconds)).await;
                }));
                continue;
            }
            apply(control, &step.action);
        }
        for b in bursts {
            let _ = b.await;
        }
    }
}

/// Does one non-burst action at once.
fn apply(c: &FakeControl, action: &Action) {
    match action {
        Action::Live { title } => c.set_live(title),
        Action::Offline => c.set_offline(),
        Action::Viewers { count } => c.set_viewers(*count),
        Action::Chat { user, text } => {
            c.chat(user, text);
        }
        Action::Burst { .. } => {}
        Action::Sub { user, months } => c.sub(user, *months),
        Action::GiftSubs { gifter, count } => {
            c.gift_subs(gifter, *count);
        }
        Action::Kicks {
            user,
            amount,
            message,
        } => {
            c.kicks(user, *amount, message);
        }
        Action::Raid { host, viewers } => c.raid(host, *viewers),
        Action::Malformed => {
            c.malformed();
        }
        Action::UnknownEvent => {
            c.unknown_event();
        }
        Action::CloseAll { code } => c.close_all(*code),
        Action::DropAll => c.drop_all(),
        Action::Refuse { seconds, how } => c.refuse_connections(*how, secs(*seconds)),
        Action::ApiFailure { mode } => c.set_api_failure(*mode),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_toml_scripts_parse_in_time_order() {
        let json = r#"{"steps":[
            {"at": 2, "action": "chat", "user": "a", "text": "hi"},
            {"at": 0.5, "action": "live", "title": "Ranked"},
            {"at": 3, "action": "api_failure", "mode": {"rate_limited": {"retry_after": 30}}},
            {"at": 4, "action": "refuse", "seconds": 2, "how": "tcp"}
        ]}"#;
        let s = Script::from_json(json).unwrap();
        assert_eq!(
            s.steps[0].action,
            Action::Live {
                title: "Ranked".into()
            }
        );
        assert_eq!(s.steps[1].at, Duration::from_secs(2));
        assert_eq!(
            s.steps[2].action,
            Action::ApiFailure {
                mode: ApiFailure::RateLimited {
                    retry_after: Some(30)
                }
            }
        );
        assert_eq!(s.duration(), Duration::from_secs(4));

        let toml = "[[steps]]\nat = 1.0\naction = \"sub\"\nuser = \"x\"\n\n\
                    [[steps]]\nat = 0\naction = \"close_all\"\ncode = 4200\n";
        let s = Script::from_toml(toml).unwrap();
        assert_eq!(s.steps[0].action, Action::CloseAll { code: 4200 });
        assert_eq!(
            s.steps[1].action,
            Action::Sub {
                user: "x".into(),
                months: 1
            }
        );
    }

    #[test]
    fn bad_scripts_say_why() {
        let e = Script::from_json(r#"[{"at": -1, "action": "offline"}]"#).unwrap_err();
        assert!(e.to_string().contains("step 0"), "{e}");
        let e = Script::from_json(r#"[{"at": 1, "action": "dance"}]"#).unwrap_err();
        assert!(e.to_string().contains("JSON"), "{e}");
    }
}
