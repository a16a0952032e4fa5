//! What can go wrong in the media layer, each as one clear line for the user.

use std::io;

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error(
        "{tool} not found ({}): install it ({hint}) or set [recorder] {tool}",
        missing_where(program)
    )]
    ToolMissing {
        tool: &'static str,
        program: String,
        hint: &'static str,
    },
    #[error("{program} failed: {detail}")]
    Failed { program: String, detail: String },
    #[error("{0}")]
    Io(String),
    /// No recording covers the asked time.
    #[error("{0}")]
    NoRecording(String),
}

/// Why a program was not found: a path that does not exist, or a name not on PATH.
pub fn missing_where(program: &str) -> String {
    if program.contains('/') {
        format!("{program:?} does not exist")
    } else {
        format!("{program:?} is not on PATH")
    }
}

impl MediaError {
    /// Maps a spawn error: a missing program gets an install hint.
    pub fn spawn(tool: &'static str, program: &str, e: io::Error) -> MediaError {
        if e.kind() == io::ErrorKind::NotFound {
            let hint = match tool {
                "streamlink" => "pip install streamlink",
                _ => "apt-get install ffmpeg",
            };
            MediaError::ToolMissing {
                tool,
                program: program.to_string(),
                hint,
            }
        } else {
            MediaError::Failed {
                program: program.to_string(),
                detail: format!("cannot start: {e}"),
            }
        }
    }

    pub fn failed(program: &str, stderr: &str) -> MediaError {
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message");
        MediaError::Failed {
            program: program.to_string(),
            detail: last.trim().to_string(),
        }
    }
}
