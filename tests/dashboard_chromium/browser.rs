//! Headless Chromium with one page, driven over the DevTools protocol.

use std::net::SocketAddr;
use std::process::Stdio;

use futures_util::SinkExt;
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;
use tokio_tungstenite::tungstenite::Message;

use crate::serve_support::*;

fn chromium() -> String {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        let found = std::process::Command::new("sh")
            .args(["-c", &format!("command -v {name}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if found {
            return name.into();
        }
    }
    panic!("no Chromium: scripts/test.sh installs it (apt-get install chromium)");
}

/// One DevTools connection, one page session (flattened).
pub struct Cdp {
    ws: Ws,
    id: u64,
    session: Option<String>,
}

impl Cdp {
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        let reply = self.try_call(method, params).await;
        assert!(reply.get("error").is_none(), "{method}: {reply}");
        reply["result"].clone()
    }

    /// The whole reply, an error included.
    async fn try_call(&mut self, method: &str, params: Value) -> Value {
        self.id += 1;
        let mut msg = json!({"id": self.id, "method": method, "params": params});
        if let Some(s) = &self.session {
            msg["sessionId"] = json!(s);
        }
        self.ws.send(Message::text(msg.to_string())).await.unwrap();
        loop {
            let reply = next(&mut self.ws).await;
            if reply["id"] == self.id {
                return reply;
            }
        }
    }

    /// Waits (in the page) until `cond` is true; fails after the limit with `what`.
    pub async fn until(&mut self, cond: &str, what: &str) {
        let expr = format!(
            "new Promise(r => {{ const t = setInterval(() => {{ try {{ if ({cond}) {{ \
             clearInterval(t); r(true); }} }} catch (e) {{}} }}, 20); }})"
        );
        let wait = async {
            loop {
                let params = json!({"expression": expr, "awaitPromise": true});
                let reply = self.try_call("Runtime.evaluate", params).await;
                // The page was (re)loading under the call: ask the new one.
                if reply.get("error").is_none() {
                    return;
                }
            }
        };
        tokio::time::timeout(LIMIT, wait)
            .await
            .unwrap_or_else(|_| panic!("the page never showed {what}"));
    }

    pub async fn eval(&mut self, expr: &str) -> Value {
        let r = self
            .call(
                "Runtime.evaluate",
                json!({"expression": expr, "returnByValue": true}),
            )
            .await;
        r["result"]["value"].clone()
    }
}

/// Chromium (its profile in a temporary dir, which must outlive it) with a page open at the
/// dashboard on `addr`, and a DevTools session attached to that page.
pub async fn open(addr: SocketAddr) -> (Child, Cdp, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut browser = tokio::process::Command::new(chromium())
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--remote-debugging-port=0",
            "--window-size=1280,900",
        ])
        .arg(format!("--user-data-dir={}", dir.path().display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("chromium starts");
    let mut err = BufReader::new(browser.stderr.take().unwrap()).lines();
    let devtools = tokio::time::timeout(LIMIT, async {
        while let Ok(Some(l)) = err.next_line().await {
            if let Some(url) = l.strip_prefix("DevTools listening on ") {
                return url.trim().to_string();
            }
        }
        panic!("chromium did not start its DevTools endpoint");
    })
    .await
    .expect("chromium in time");
    // Keep reading its stderr so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = err.next_line().await {} });
    let (ws, _) = tokio_tungstenite::connect_async(&devtools).await.unwrap();
    let mut cdp = Cdp {
        ws,
        id: 0,
        session: None,
    };
    let target = cdp
        .call(
            "Target.createTarget",
            json!({"url": format!("http://{addr}/")}),
        )
        .await;
    let attached = cdp
        .call(
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        )
        .await;
    cdp.session = attached["sessionId"].as_str().map(String::from);
    (browser, cdp, dir)
}
