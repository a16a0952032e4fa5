//! `kicktui login kick`: prints the authorize URL, then takes the redirect either on the
//! loopback port of `[bot] redirect_uri` (a browser on this machine) or as a pasted URL (over
//! SSH the browser cannot reach this machine's loopback), exchanges the code and saves the
//! token with mode 0600.

use std::path::{Path, PathBuf};

use reqwest::Url;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use super::oauth::{self, AuthRequest, Client, Pkce, RedirectError};
use super::token::{self, Token};
use crate::config::Config;

pub struct LoginFlow {
    pkce: Pkce,
    state: String,
    redirect_uri: String,
    url: String,
    listener: Option<TcpListener>,
    client: Client,
    token_path: PathBuf,
}

impl LoginFlow {
    /// Checks the app credentials, binds the loopback port (port 0 in `redirect_uri` picks a
    /// free one) and builds the URL to open.
    pub async fn start(c: &Config, data_dir: &Path) -> Result<LoginFlow, String> {
        if c.kick.client_id.is_empty() || c.kick.client_secret.is_empty() {
            return Err(format!(
                "set [kick] client_id and client_secret first: create an app at \
                 kick.com/settings/developer with the redirect URL {} and the scopes {}",
                c.bot.redirect_uri,
                c.bot.scopes.join(", ")
            ));
        }
        let mut redirect =
            Url::parse(&c.bot.redirect_uri).map_err(|e| format!("bad bot.redirect_uri: {e}"))?;
        let loopback = matches!(redirect.host_str(), Some("127.0.0.1" | "localhost"));
        let listener = if loopback {
            let port = redirect.port_or_known_default().unwrap_or(80);
            match TcpListener::bind(("127.0.0.1", port)).await {
                Ok(l) => {
                    if port == 0 {
                        let actual = l.local_addr().map_err(|e| e.to_string())?.port();
                        let _ = redirect.set_port(Some(actual));
                    }
                    Some(l)
                }
                Err(e) => {
                    eprintln!(
                        "kicktui: cannot listen on 127.0.0.1:{port} ({e}); paste the URL instead"
                    );
                    None
                }
            }
        } else {
            None
        };
        let redirect_uri = redirect.to_string();
        let pkce = Pkce::generate().map_err(|e| format!("no random source: {e}"))?;
        let state = oauth::random_state().map_err(|e| format!("no random source: {e}"))?;
        let url = oauth::authorize_url(&AuthRequest {
            oauth_base: &c.kick.oauth_base,
            client_id: &c.kick.client_id,
            redirect_uri: &redirect_uri,
            scopes: &c.bot.scopes,
            challenge: &pkce.challenge,
            state: &state,
        })?;
        Ok(LoginFlow {
            pkce,
            state,
            redirect_uri,
            url,
            listener,
            client: Client {
                oauth_base: c.kick.oauth_base.clone(),
                client_id: c.kick.client_id.clone(),
                client_secret: c.kick.client_secret.clone(),
            },
            token_path: token::token_path(data_dir),
        })
    }

    /// The URL to open in a browser.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    pub fn listening(&self) -> bool {
        self.listener.is_some()
    }

    /// The code, from whichever comes first: the browser's redirect to the loopback port or a
    /// pasted line (`pasted` closed: nothing more will be pasted). Gives up after `limit`:
    /// a login left waiting (a browser tab closed, a terminal forgotten) does not hold the
    /// port forever, and Kick's code would be stale by then.
    pub async fn wait_code(
        &mut self,
        mut pasted: mpsc::Receiver<String>,
        limit: std::time::Duration,
    ) -> Result<String, String> {
        let mut input_open = true;
        let give_up = tokio::time::sleep(limit);
        tokio::pin!(give_up);
        loop {
            tokio::select! {
                () = &mut give_up => {
                    return Err(format!(
                        "no answer from the browser within {} minutes; run `kicktui login \
                         kick` again",
                        limit.as_secs().div_ceil(60)
                    ));
                }
                line = pasted.recv(), if input_open => match line {
                    Some(l) if l.trim().is_empty() => {}
                    Some(l) => match oauth::parse_redirect(&l, &self.state) {
                        Ok(code) => return Ok(code),
                        Err(RedirectError::Denied(why)) => return Err(format!("Kick refused the login: {why}")),
                        Err(e) => eprintln!("kicktui: {e}; paste the whole address the browser ended on"),
                    },
                    None => {
                        input_open = false;
                        if self.listener.is_none() {
                            return Err("no redirect URL was pasted".into());
                        }
                    }
                },
                conn = accept(self.listener.as_ref()) => {
                    let Ok(stream) = conn else { continue };
                    match answer_browser(stream, &self.state).await {
                        Some(Ok(code)) => return Ok(code),
                        Some(Err(why)) => return Err(format!("Kick refused the login: {why}")),
                        None => {}
                    }
                }
            }
        }
    }

    /// Exchanges the code and saves the token (mode 0600).
    pub async fn finish(self, code: &str) -> Result<(PathBuf, Token), String> {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(|e| e.to_string())?;
        let now = chrono::Utc::now().timestamp();
        let t = self
            .client
            .exchange(&http, code, &self.pkce.verifier, &self.redirect_uri, now)
            .await
            .map_err(|e| e.to_string())?;
        token::save(&self.token_path, &t)
            .map_err(|e| format!("cannot save {}: {e}", self.token_path.display()))?;
        Ok((self.token_path, t))
    }
}

/// How long `kicktui login kick` waits for the browser or a pasted address.
pub const LOGIN_LIMIT: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// The whole command: URL out, redirect in, token saved.
pub async fn run(c: &Config, data_dir: &Path) -> Result<(), String> {
    let mut flow = LoginFlow::start(c, data_dir).await?;
    println!(
        "Open this URL in a browser and allow kicktui:\n\n  {}\n",
        flow.url()
    );
    if flow.listening() {
        println!(
            "Waiting for the browser to come back to {} …\n\
             Over SSH, paste the address the browser ends on (it may show an error page) here:",
            flow.redirect_uri()
        );
    } else {
        println!("Then paste the address the browser ends on (it may show an error page) here:");
    }
    let code = flow.wait_code(stdin_lines(), LOGIN_LIMIT).await?;
    let (path, t) = flow.finish(&code).await?;
    let mins = (t.expires_at.saturating_sub(chrono::Utc::now().timestamp())).max(0) / 60;
    println!(
        "Logged in. Token saved to {} (readable only by you; valid {mins} min, kicktui refreshes it).",
        path.display()
    );
    Ok(())
}

/// Lines typed or pasted on stdin, read on a plain thread (a blocking read cannot be
/// cancelled; the thread ends with the process).
fn stdin_lines() -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel(4);
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            let Ok(line) = line else { break };
            if tx.blocking_send(line).is_err() {
                break;
            }
        }
    });
    rx
}

async fn accept(l: Option<&TcpListener>) -> std::io::Result<TcpStream> {
    match l {
        Some(l) => l.accept().await.map(|(s, _)| s),
        None => std::future::pending().await,
    }
}

/// Reads one HTTP request from the browser and answers it. `None`: not the redirect (a
/// favicon, a probe); keep waiting.
async fn answer_browser(mut s: TcpStream, state: &str) -> Option<Result<String, String>> {
    let mut buf = vec![0u8; 8192];
    let mut len = 0;
    while len < buf.len() {
        let read =
            tokio::time::timeout(std::time::Duration::from_secs(10), s.read(&mut buf[len..]));
        match read.await {
            Ok(Ok(0)) | Err(_) | Ok(Err(_)) => break,
            Ok(Ok(n)) => len += n,
        }
        if buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    let head = String::from_utf8_lossy(&buf[..len]);
    let target = head.lines().next()?.split_whitespace().nth(1)?.to_string();
    let (status, page, res) = match oauth::parse_redirect(&target, state) {
        Ok(code) => (
            "200 OK",
            "kicktui is logged in to Kick. You can close this tab.",
            Some(Ok(code)),
        ),
        Err(RedirectError::Denied(why)) => (
            "400 Bad Request",
            "Kick refused the login; see the terminal.",
            Some(Err(why)),
        ),
        Err(RedirectError::WrongState) => {
            // The page tells the browser; the terminal, still waiting, says what to do.
            eprintln!(
                "kicktui: the browser came back from an older login link; open the URL above \
                 (this login is still waiting)"
            );
            (
                "400 Bad Request",
                "This is an old login link: open the URL kicktui printed last.",
                None,
            )
        }
        Err(RedirectError::NoCode) => ("404 Not Found", "Not found.", None),
    };
    let reply = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
        page.len()
    );
    let _ = s.write_all(reply.as_bytes()).await;
    let _ = s.shutdown().await;
    res
}
