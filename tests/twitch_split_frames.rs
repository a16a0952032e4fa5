//! An IRC line that reaches kicktui in pieces (a WebSocket message in two frames, each frame in
//! two TCP writes, cut inside a UTF-8 character) is read once, whole; CRLF and bare LF both end
//! a line. A hand-written server, since the fake's WebSocket layer only sends whole messages.

use std::time::Duration;

use futures_util::StreamExt;
use kicktui::domain::Event;
use kicktui::source::twitch::{TwitchOptions, TwitchSource};
use kicktui::source::{ChatState, SourceMsg};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

const LIMIT: Duration = Duration::from_secs(10);

/// One unmasked server frame (`opcode` 1 text, 0 continuation).
fn frame(opcode: u8, fin: bool, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![opcode | if fin { 0x80 } else { 0 }];
    match payload.len() {
        n @ 0..=125 => out.push(n as u8),
        n => {
            out.push(126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
    }
    out.extend_from_slice(payload);
    out
}

#[tokio::test]
async fn a_line_in_pieces_is_read_once_whole() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("ws://{}", listener.local_addr().expect("addr"));
    let mut o = TwitchOptions::new(&url, "chan");
    o.nick = Some("justinfan1".into());
    let (tx, mut rx) = mpsc::channel(100);
    let (state_tx, _state) = watch::channel(ChatState::Connecting { attempt: 0 });
    let cancel = CancellationToken::new();
    let task = tokio::spawn(TwitchSource::new(o, tx, state_tx).run(cancel.clone()));

    let (tcp, _) = timeout(LIMIT, listener.accept())
        .await
        .expect("a client")
        .expect("accept");
    let mut ws = tokio_tungstenite::accept_async(tcp).await.expect("upgrade");
    for _ in 0..4 {
        let _ = timeout(LIMIT, ws.next()).await.expect("login line");
    }
    let raw = ws.get_mut();
    let join = ":justinfan1!justinfan1@justinfan1.tmi.twitch.tv JOIN #chan\r\n";
    raw.write_all(&frame(1, true, join.as_bytes()))
        .await
        .expect("write");
    let text = "héllo 🎉 wörld";
    let message = format!(
        "@display-name=Zoe;id=m1;user-id=7 :zoe!zoe@zoe.tmi.twitch.tv PRIVMSG #chan :{text}\r\n\
         @display-name=Bea;id=m2;user-id=8 :bea!bea@bea.tmi.twitch.tv PRIVMSG #chan :bare lf\n"
    );
    let bytes = message.as_bytes();
    // Inside the emoji's four bytes.
    let cut = message.find('🎉').expect("emoji") + 2;
    let first = frame(1, false, &bytes[..cut]);
    let second = frame(0, true, &bytes[cut..]);
    let half = first.len() - 3;
    for piece in [&first[..half], &first[half..], &second[..5], &second[5..]] {
        raw.write_all(piece).await.expect("write");
        raw.flush().await.expect("flush");
        tokio::task::yield_now().await;
    }

    let mut chats = Vec::new();
    let mut malformed = 0;
    timeout(LIMIT, async {
        while chats.len() < 2 {
            match rx.recv().await {
                Some(SourceMsg::Event {
                    event: Event::Chat(c),
                    ..
                }) => chats.push((c.username, c.text)),
                Some(SourceMsg::Malformed { .. }) => malformed += 1,
                Some(_) => {}
                None => break,
            }
        }
    })
    .await
    .expect("both chats");
    assert_eq!(
        chats,
        vec![
            ("Zoe".to_string(), text.to_string()),
            ("Bea".to_string(), "bare lf".to_string())
        ]
    );
    assert_eq!(malformed, 0);
    cancel.cancel();
    let _ = timeout(LIMIT, task).await;
}
