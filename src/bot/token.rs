//! The Kick user token from `kicktui login kick`: kept at `<data dir>/kick_token.json` with
//! mode 0600, never in a log line (its `Debug` is redacted), refreshed before it expires.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub const TOKEN_FILE: &str = "kick_token.json";
/// Refresh this long before the token expires.
pub const REFRESH_EARLY_SECS: i64 = 300;

pub fn token_path(data_dir: &Path) -> PathBuf {
    data_dir.join(TOKEN_FILE)
}

/// A secret string: serialized as itself (for the 0600 file), never shown by `Debug`.
pub use crate::config::SecretString as Secret;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Token {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    /// Unix seconds.
    pub expires_at: i64,
    #[serde(default)]
    pub scope: String,
}

impl Token {
    /// From the token endpoint's answer (`expires_in` seconds from `now`).
    pub fn from_response(r: &TokenResponse, now_unix: i64) -> Token {
        Token {
            access_token: Secret::new(r.access_token.clone()),
            refresh_token: r.refresh_token.clone().map(Secret::new),
            // Capped at a year: an absurd answer must not wrap into "already expired".
            expires_at: now_unix
                .saturating_add(r.expires_in.unwrap_or(3600).clamp(0, 366 * 86_400)),
            scope: r.scope.clone().unwrap_or_default(),
        }
    }

    pub fn needs_refresh(&self, now_unix: i64) -> bool {
        now_unix.saturating_add(REFRESH_EARLY_SECS) >= self.expires_at
    }
}

/// `POST /oauth/token`'s JSON.
#[derive(Clone, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub expires_in: Option<i64>,
    #[serde(default)]
    pub scope: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenFileError {
    #[error("no Kick login yet ({0} does not exist): run `kicktui login kick`")]
    Missing(PathBuf),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} is not a kicktui token file: run `kicktui login kick` again")]
    Bad(PathBuf),
}

pub fn load(path: &Path) -> Result<Token, TokenFileError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(TokenFileError::Missing(path.to_path_buf()));
        }
        Err(source) => {
            return Err(TokenFileError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    serde_json::from_str(&text).map_err(|_| TokenFileError::Bad(path.to_path_buf()))
}

/// Writes the token readable by its owner only (a temp file made 0600, then renamed).
pub fn save(path: &Path, t: &Token) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)?;
    let body = serde_json::to_vec_pretty(t).map_err(std::io::Error::other)?;
    f.write_all(&body)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn saved_with_mode_0600_and_read_back_and_debug_is_redacted() {
        let dir = tempfile::tempdir().unwrap();
        let path = token_path(dir.path());
        assert!(matches!(load(&path), Err(TokenFileError::Missing(_))));
        let t = Token {
            access_token: Secret::new("AT-secret"),
            refresh_token: Some(Secret::new("RT-secret")),
            expires_at: 1000,
            scope: "chat:write".into(),
        };
        save(&path, &t).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(load(&path).unwrap(), t);
        assert!(!format!("{t:?}").contains("secret"));
        assert!(t.needs_refresh(1000 - REFRESH_EARLY_SECS));
        assert!(!t.needs_refresh(1000 - REFRESH_EARLY_SECS - 1));
        std::fs::write(&path, "nope").unwrap();
        assert!(matches!(load(&path), Err(TokenFileError::Bad(_))));
    }
}
