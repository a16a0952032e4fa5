//! The Twitch chat source (`TwitchSource`) and the Helix client against the fake Twitch over
//! loopback: the anonymous handshake, every line kind, PING, RECONNECT overlap, a dropped
//! socket, and exactly-once delivery. Every wait is on an observable condition, capped by LIMIT.

use std::collections::HashMap;
use std::time::Duration;

use std::sync::Arc;

use kicktui::domain::{Event, MsgId};
use kicktui::engine::channel::{ApiNews, ApiRequest};
use kicktui::engine::feed::Feed;
use kicktui::engine::twitch_status::TwitchStatus;
use kicktui::engine::update::Update;
use kicktui::fake::ApiFailure;
use kicktui::fake::twitch::{FakeTwitch, FakeTwitchConfig, TwitchControl};
use kicktui::kickapi::{LiveSource, LiveStatus};
use kicktui::source::twitch::{SourceExit, TwitchOptions, TwitchSource};
use kicktui::source::{ChatState, SourceMsg};
use kicktui::twitchapi::{Helix, HelixError};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

const LIMIT: Duration = Duration::from_secs(10);

struct Client {
    rx: mpsc::Receiver<SourceMsg>,
    state: watch::Receiver<ChatState>,
    cancel: CancellationToken,
    task: JoinHandle<SourceExit>,
    events: Vec<Event>,
    malformed: u32,
    notices: Vec<String>,
}

impl Client {
    fn start(fake: &FakeTwitch) -> Client {
        let mut o = TwitchOptions::new(&fake.irc_url(), fake.channel());
        o.backoff_base = Duration::from_millis(50);
        o.backoff_cap = Duration::from_millis(300);
        o.connect_timeout = Duration::from_secs(2);
        let (tx, rx) = mpsc::channel(10_000);
        let (state_tx, state) = watch::channel(ChatState::Connecting { attempt: 0 });
        let cancel = CancellationToken::new();
        let task = tokio::spawn(TwitchSource::new(o, tx, state_tx).run(cancel.clone()));
        Client {
            rx,
            state,
            cancel,
            task,
            events: Vec::new(),
            malformed: 0,
            notices: Vec::new(),
        }
    }

    /// Reads until a chat message with `id` arrives.
    async fn until_chat(&mut self, id: &str) {
        let want = MsgId::parse(id);
        let found = timeout(LIMIT, async {
            while let Some(m) = self.rx.recv().await {
                match m {
                    SourceMsg::Event { event, .. } => {
                        let hit = matches!(&event, Event::Chat(c) if c.id == Some(want));
                        self.events.push(event);
                        if hit {
                            return true;
                        }
                    }
                    SourceMsg::Malformed { .. } => self.malformed += 1,
                    SourceMsg::Notice { text } => self.notices.push(text),
                    SourceMsg::Frame { .. } => {}
                }
            }
            false
        })
        .await;
        assert_eq!(found, Ok(true), "chat {id} never arrived");
    }

    fn chat_ids(&self) -> Vec<MsgId> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Chat(c) => c.id,
                _ => None,
            })
            .collect()
    }

    fn count(&self, name: &str) -> usize {
        self.events.iter().filter(|e| e.name() == name).count()
    }

    async fn stop(self) {
        self.cancel.cancel();
        assert_eq!(
            timeout(LIMIT, self.task).await.ok().and_then(|r| r.ok()),
            Some(SourceExit::Cancelled)
        );
    }
}

async fn fake(grace_ms: u64) -> (FakeTwitch, TwitchControl) {
    let cfg = FakeTwitchConfig {
        reconnect_grace: Duration::from_millis(grace_ms),
        ..FakeTwitchConfig::default()
    };
    let twitch = FakeTwitch::start(cfg).await.expect("fake twitch starts");
    let control = twitch.control();
    (twitch, control)
}

async fn joined(control: &TwitchControl, n: usize) {
    timeout(LIMIT, control.wait_joined(n))
        .await
        .expect("the client joins");
}

#[tokio::test]
async fn anonymous_login_and_every_line_kind() {
    let (twitch, control) = fake(2000).await;
    let mut client = Client::start(&twitch);
    joined(&control, 1).await;
    let s = control.stats();
    assert_eq!(s.cap_requests, vec!["twitch.tv/tags twitch.tv/commands"]);
    let nick = &s.nicks[0];
    let digits = nick.strip_prefix("justinfan").expect("anonymous nick");
    assert!(
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
        "{nick}"
    );

    let first = control.chat_with_emotes("Viewer", "Kappa Keepo Kappa", "25:0-4,12-16/1902:6-10");
    control.chat_frame(&[("a1", "CLIP THAT"), ("a2", "NO WAY"), ("a3", "OMG")]);
    control.cheer("Cheerer", 250, "take my bits");
    control.sub("newbie", 1);
    control.sub("loyal", 14);
    control.gift_subs("BigGifter", 5);
    control.gift_subs("Single", 1);
    control.raid("Raider", 321);
    control.unknown_notice();
    control.delete(&first);
    control.ban("rude", Some(600));
    control.ban("gone", None);
    control.slow_mode(30);
    control.malformed();
    control.binary_frame();
    control.ping();
    let last = control.chat("closer", "the end");
    client.until_chat(&last).await;

    // (The first event is the first connection's SourceUp.)
    let Some(Event::Chat(c)) = client.events.iter().find(|e| matches!(e, Event::Chat(_))) else {
        panic!("{:?}", client.events)
    };
    assert_eq!(
        c.emote_names().collect::<Vec<_>>(),
        vec!["Kappa", "Keepo", "Kappa"]
    );
    // 1 + 3 in one frame + the cheer + 2 around the malformed line + the last.
    assert_eq!(client.count("chat"), 8);
    assert_eq!(client.chat_ids().len(), 8);
    assert!(client.events.contains(&Event::Bits {
        username: "Cheerer".into(),
        amount: 250
    }));
    assert_eq!(
        client.count("subscription"),
        2,
        "the resub's text is not chat"
    );
    let gifted: Vec<u32> = client
        .events
        .iter()
        .filter_map(|e| match e {
            Event::GiftedSubs { count, .. } => Some(*count),
            _ => None,
        })
        .collect();
    assert_eq!(
        gifted,
        vec![5, 1],
        "a mass gift's parts are not counted again"
    );
    assert!(client.events.contains(&Event::Raid {
        from: "Raider".into(),
        viewers: 321
    }));
    assert!(client.events.contains(&Event::MessageDeleted {
        message_id: MsgId::parse(&first)
    }));
    assert_eq!(client.count("ban"), 2);
    assert_eq!(client.count("chat_mode_changed"), 1);
    assert_eq!(client.malformed, 2, "the bad line and the binary frame");
    timeout(LIMIT, control.wait_for(|s| s.pongs_received == 1))
        .await
        .expect("PING answered with PONG :tmi.twitch.tv");
    assert!(matches!(*client.state.borrow(), ChatState::Live { .. }));
    client.stop().await;
}

#[tokio::test]
async fn reconnect_and_a_drop_lose_nothing_and_count_nothing_twice() {
    // The new connection must join within the grace; a loaded machine needs more than 300 ms.
    let (twitch, control) = fake(1500).await;
    let mut client = Client::start(&twitch);
    joined(&control, 1).await;
    for i in 0..20 {
        control.chat(&format!("v{i}"), "before");
    }
    control.reconnect();
    // The client joins on a second connection while the first still gets every line.
    joined(&control, 2).await;
    for i in 0..20 {
        control.chat(&format!("v{i}"), "during the overlap");
    }
    timeout(
        LIMIT,
        control.wait_for(|s| s.open.len() == 1 && s.joined.len() == 1),
    )
    .await
    .expect("the old connection goes");
    let mark = control.chat("marker", "after the reconnect");
    client.until_chat(&mark).await;
    assert_eq!(client.count("source_down"), 0, "a RECONNECT is not a gap");

    control.drop_all();
    timeout(LIMIT, control.wait_for(|s| s.drops >= 1))
        .await
        .expect("dropped");
    for i in 0..10 {
        // Some of these fall into the gap and are never delivered.
        control.chat(&format!("w{i}"), "while down");
    }
    timeout(
        LIMIT,
        control.wait_for(|s| s.connections_accepted >= 3 && s.joined.len() == 1),
    )
    .await
    .expect("the client reconnects after the drop");
    let mut last = String::new();
    for i in 0..20 {
        last = control.chat(&format!("x{i}"), "after the drop");
    }
    client.until_chat(&last).await;

    let stats = control.stats();
    let overlap = stats.ledger.iter().filter(|l| l.written == 2).count();
    assert!(overlap >= 20, "lines reached both connections: {overlap}");
    let delivered: Vec<MsgId> = stats
        .delivered_ids("chat")
        .iter()
        .map(|id| MsgId::parse(id))
        .collect();
    let mut seen: HashMap<MsgId, u32> = HashMap::new();
    for id in client.chat_ids() {
        *seen.entry(id).or_default() += 1;
    }
    assert!(seen.values().all(|n| *n == 1), "a message counted twice");
    for id in &delivered {
        assert!(seen.contains_key(id), "a delivered message was lost");
    }
    assert_eq!(seen.len(), delivered.len());
    assert_eq!(client.count("source_down"), 1);
    assert_eq!(
        client.count("source_up"),
        2,
        "the first connection, then back"
    );
    client.stop().await;
}

#[tokio::test]
async fn a_server_that_takes_the_join_and_drops_gets_growing_waits() {
    let (twitch, control) = fake(300).await;
    let mut client = Client::start(&twitch);
    let mut attempts = Vec::new();
    for k in 1..=3u64 {
        timeout(
            LIMIT,
            control.wait_for(|s| s.joined.len() == 1 && s.connections_accepted >= k),
        )
        .await
        .expect("joined");
        // A line after the JOIN: the old rule took any frame as a good connection.
        let id = control.chat(&format!("v{k}"), "hi");
        client.until_chat(&id).await;
        control.drop_all();
        let state = timeout(
            LIMIT,
            client
                .state
                .wait_for(|s| matches!(s, ChatState::Connecting { .. })),
        )
        .await
        .expect("connecting again")
        .expect("state")
        .clone();
        if let ChatState::Connecting { attempt } = state {
            attempts.push(attempt);
        }
    }
    assert_eq!(
        attempts,
        [1, 2, 3],
        "the backoff grows: none stayed up 30 s"
    );
    client.stop().await;
}

#[tokio::test]
async fn refused_connections_back_off_then_join() {
    let (twitch, control) = fake(300).await;
    control.refuse_connections(Duration::from_millis(400));
    let mut client = Client::start(&twitch);
    timeout(
        LIMIT,
        client
            .state
            .wait_for(|s| matches!(s, ChatState::Reconnecting { .. })),
    )
    .await
    .expect("reconnecting")
    .expect("state");
    joined(&control, 1).await;
    assert!(control.stats().refused >= 1);
    let id = control.chat("late", "hi");
    client.until_chat(&id).await;
    client.stop().await;
}

/// A server that refuses tags and commands (CAP NAK): chat still reads, and the user is told
/// once, not on every reconnect, that subs, gifts and bits cannot be seen.
#[tokio::test]
async fn refused_capabilities_are_said_once_and_chat_goes_on() {
    let (twitch, control) = fake(300).await;
    control.refuse_capabilities(true);
    let mut client = Client::start(&twitch);
    joined(&control, 1).await;
    let first = control.chat("viewer", "hi");
    client.until_chat(&first).await;
    assert_eq!(client.notices.len(), 1, "{:?}", client.notices);
    let said = &client.notices[0];
    for part in [
        "refused",
        "twitch.tv/tags twitch.tv/commands",
        "subs",
        "bits",
        "irc_url",
    ] {
        assert!(said.contains(part), "{part:?} in {said}");
    }

    control.drop_all();
    timeout(
        LIMIT,
        control.wait_for(|s| s.connections_accepted >= 2 && s.joined.len() == 1),
    )
    .await
    .expect("joined again");
    // The NAK comes before the JOIN on each connection: this chat is read after it.
    let second = control.chat("viewer", "back");
    client.until_chat(&second).await;
    assert_eq!(client.notices.len(), 1, "said once: {:?}", client.notices);
    client.stop().await;
}

#[tokio::test]
async fn helix_reports_live_status_and_renews_its_token() {
    let (twitch, control) = fake(300).await;
    let helix = Helix::new(&twitch.twitch_config()).expect("credentials set");
    let channel = twitch.channel().to_string();
    let off = helix.status(&channel).await.expect("offline answer");
    assert!(!off.is_live && off.viewers.is_none());
    control.set_live("ranked grind");
    control.set_viewers(4321);
    let on = helix.status(&channel).await.expect("live answer");
    assert!(on.is_live);
    assert_eq!(on.viewers, Some(4321));
    assert_eq!(on.title.as_deref(), Some("ranked grind"));
    assert!(on.started_at.is_some());
    assert_eq!(control.stats().tokens_issued, 1, "the token is cached");
    control.revoke_tokens();
    assert!(
        helix.status(&channel).await.is_ok(),
        "a 401 gets one fresh token"
    );
    assert_eq!(control.stats().tokens_issued, 2);

    control.set_helix_failure(ApiFailure::RateLimited {
        retry_after: Some(7),
    });
    let e = helix.status(&channel).await.unwrap_err();
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
    control.set_helix_failure(ApiFailure::None);

    let mut bad = twitch.twitch_config();
    bad.client_secret = "wrong".into();
    let e = Helix::new(&bad)
        .expect("set")
        .status(&channel)
        .await
        .unwrap_err();
    assert_eq!(e, HelixError::Unauthorized);
    assert!(e.to_string().contains("[twitch] client_id"), "{e}");
    assert!(e.retry_after().is_none());
    let mut none = twitch.twitch_config();
    none.client_id.clear();
    none.client_secret = Default::default();
    assert!(Helix::new(&none).is_none());
}

/// The next event matching `pred` (others are skipped).
async fn until(rx: &mut mpsc::Receiver<SourceMsg>, pred: impl Fn(&Event) -> bool) -> Event {
    let found = timeout(LIMIT, async {
        while let Some(m) = rx.recv().await {
            if let SourceMsg::Event { event, .. } = m
                && pred(&event)
            {
                return Some(event);
            }
        }
        None
    })
    .await;
    found.ok().flatten().expect("the event arrives")
}

type Actor = (
    mpsc::Receiver<ApiNews>,
    mpsc::Sender<ApiRequest>,
    mpsc::Receiver<Update>,
    CancellationToken,
    JoinHandle<()>,
);

/// A status actor polling `twitch`'s Helix every 30 ms (credentials from `cfg`).
fn status_actor(cfg: &kicktui::config::Twitch, login: &str) -> Actor {
    actor_with(cfg, login, None)
}

/// [`status_actor`] with a stream probe.
fn actor_with(
    cfg: &kicktui::config::Twitch,
    login: &str,
    probe: Option<kicktui::engine::stream_probe::StreamProbe>,
) -> Actor {
    let (news_tx, news) = mpsc::channel(100);
    let (req_tx, req_rx) = mpsc::channel(16);
    let feed = Feed::new();
    let notes = feed.subscribe().into_mpsc(100);
    let actor = TwitchStatus {
        login: login.into(),
        helix: Helix::new(cfg).map(Arc::new),
        probe,
        assume_live: cfg.assume_live,
        poll_every: Duration::from_millis(30),
        news: news_tx,
        feed,
        unknown_said: false,
        helix_refused: false,
        unknown_shown: false,
    };
    let cancel = CancellationToken::new();
    let requests = Arc::new(tokio::sync::Mutex::new(req_rx));
    let task = tokio::spawn(actor.run(requests, cancel.clone()));
    (news, req_tx, notes, cancel, task)
}

/// The next status matching `pred` (others are skipped).
async fn status_until(
    rx: &mut mpsc::Receiver<ApiNews>,
    pred: impl Fn(&LiveStatus) -> bool,
) -> LiveStatus {
    let found = timeout(LIMIT, async {
        while let Some(n) = rx.recv().await {
            if let ApiNews::Status(s) = n
                && pred(&s)
            {
                return Some(s);
            }
        }
        None
    })
    .await;
    found.ok().flatten().expect("the status arrives")
}

#[tokio::test]
async fn the_status_actor_reports_helix_as_live_status() {
    let (twitch, control) = fake(300).await;
    let (mut news, requests, _notes, cancel, task) =
        status_actor(&twitch.twitch_config(), twitch.channel());
    status_until(&mut news, |s| !s.is_live).await;
    control.set_live("going live");
    let live = status_until(&mut news, |s| s.is_live).await;
    assert_eq!(live.title.as_deref(), Some("going live"));
    assert!(live.started_at.is_some() && live.source == LiveSource::TwitchApi);
    control.set_viewers(77);
    status_until(&mut news, |s| s.viewers == Some(77)).await;
    // Twitch chat needs no ids: a relookup is answered at once, with none.
    let (tx, rx) = tokio::sync::oneshot::channel();
    requests.send(ApiRequest::Relookup(tx)).await.unwrap();
    assert_eq!(
        timeout(LIMIT, rx).await.ok().and_then(Result::ok),
        Some(None)
    );
    control.set_offline();
    status_until(&mut news, |s| !s.is_live).await;
    cancel.cancel();
    assert!(timeout(LIMIT, task).await.is_ok_and(|r| r.is_ok()));
}

#[tokio::test]
async fn refused_credentials_are_said_once_and_helix_is_left_alone() {
    let (twitch, control) = fake(300).await;
    let mut cfg = twitch.twitch_config();
    cfg.client_secret = "wrong".into();
    let (_news, requests, mut notes, cancel, task) = status_actor(&cfg, twitch.channel());
    let note = timeout(LIMIT, async {
        while let Some(u) = notes.recv().await {
            if let Update::Note(text) = u {
                return Some(text);
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .expect("a note about the credentials");
    assert!(
        note.contains("[twitch] client_id") && note.contains("assume_live"),
        "{note}"
    );
    let asked = control.stats().api_requests;
    for _ in 0..5 {
        requests.send(ApiRequest::PollNow).await.unwrap();
    }
    // A relookup is answered after the polls: they have all been handled by then.
    let (tx, rx) = tokio::sync::oneshot::channel();
    requests.send(ApiRequest::Relookup(tx)).await.unwrap();
    assert!(timeout(LIMIT, rx).await.is_ok());
    assert_eq!(control.stats().api_requests, asked, "no more Helix calls");
    // Said once; the status bar is told the live state is unknown (no probe here).
    let later: Vec<Update> = std::iter::from_fn(|| notes.try_recv().ok()).collect();
    assert!(
        matches!(&later[..], [Update::ApiTrouble { message, .. }] if message.contains("refused")),
        "{later:?}"
    );
    cancel.cancel();
    let _ = timeout(LIMIT, task).await;
}

/// Credentials Twitch refused, and a probe that cannot tell: the hint is to fix them, not to
/// set them (they are set).
#[tokio::test]
async fn refused_credentials_and_a_blind_probe_say_to_fix_the_credentials() {
    let (twitch, _control) = fake(300).await;
    let mut cfg = twitch.twitch_config();
    cfg.client_secret = "wrong".into();
    let rec = kicktui::config::Recorder {
        streamlink: "/nonexistent/streamlink".into(),
        ..Default::default()
    };
    let probe = kicktui::engine::stream_probe::StreamProbe::from_config(&rec, "fakechan");
    let (_news, _requests, mut notes, cancel, task) =
        actor_with(&cfg, twitch.channel(), Some(probe));
    let hint = timeout(LIMIT, async {
        while let Some(u) = notes.recv().await {
            if let Update::Note(n) = u
                && n.contains("cannot tell whether the stream is live")
            {
                return Some(n);
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .expect("the hint");
    assert!(
        hint.contains("fix [twitch] client_id and client_secret (Twitch refused them)"),
        "{hint}"
    );
    cancel.cancel();
    let _ = timeout(LIMIT, task).await;
}

#[tokio::test]
async fn a_quiet_chat_gets_our_own_ping_and_stays_connected() {
    let (twitch, control) = fake(300).await;
    let mut o = TwitchOptions::new(&twitch.irc_url(), twitch.channel());
    o.idle_ping_after = Duration::from_millis(100);
    // Generous: answered pings return at once, and a stall must not look like a dead socket.
    o.pong_timeout = Duration::from_secs(3);
    o.capture = true;
    let (tx, mut rx) = mpsc::channel(1000);
    let (state_tx, _state) = watch::channel(ChatState::Connecting { attempt: 0 });
    let cancel = CancellationToken::new();
    let task = tokio::spawn(TwitchSource::new(o, tx, state_tx).run(cancel.clone()));
    timeout(LIMIT, control.wait_for(|s| s.client_pings >= 3))
        .await
        .expect("pings on silence");
    let id = control.chat("after", "still here");
    let mut frames = Vec::new();
    let chat = timeout(LIMIT, async {
        while let Some(m) = rx.recv().await {
            match m {
                SourceMsg::Frame { text, .. } => frames.push(text),
                SourceMsg::Event {
                    event: Event::Chat(c),
                    ..
                } => return c.id,
                _ => {}
            }
        }
        None
    })
    .await;
    assert_eq!(chat, Ok(Some(MsgId::parse(&id))));
    // Captured frames are the IRC text as JSON strings, so capture lines stay JSON.
    let texts: Vec<String> = frames
        .iter()
        .map(|f| serde_json::from_str::<String>(f).expect("a JSON string"))
        .collect();
    assert!(texts.iter().any(|t| t.contains(" JOIN #")), "{texts:?}");
    assert!(texts.last().is_some_and(|t| t.contains("PRIVMSG")));
    assert_eq!(
        control.stats().connections_accepted,
        1,
        "answered pings keep the socket"
    );
    cancel.cancel();
    let _ = timeout(LIMIT, task).await;
}

#[tokio::test]
async fn a_socket_that_stops_answering_is_replaced() {
    let (twitch, control) = fake(300).await;
    let mut o = TwitchOptions::new(&twitch.irc_url(), twitch.channel());
    o.idle_ping_after = Duration::from_millis(100);
    o.pong_timeout = Duration::from_millis(200);
    o.backoff_base = Duration::from_millis(20);
    let (tx, mut rx) = mpsc::channel(1000);
    let (state_tx, _state) = watch::channel(ChatState::Connecting { attempt: 0 });
    let cancel = CancellationToken::new();
    let task = tokio::spawn(TwitchSource::new(o, tx, state_tx).run(cancel.clone()));
    joined(&control, 1).await;
    control.ignore_client_pings(true);
    until(&mut rx, |e| *e == Event::SourceDown).await;
    control.ignore_client_pings(false);
    until(&mut rx, |e| *e == Event::SourceUp).await;
    assert!(control.stats().connections_accepted >= 2);
    cancel.cancel();
    let _ = timeout(LIMIT, task).await;
}

/// IRC joins any channel name, so a typo waits silently: after a quiet spell in the channel
/// kicktui says to check the name, once; a channel where anyone speaks gets no such hint.
#[tokio::test]
async fn a_channel_where_nobody_speaks_gets_one_hint_to_check_its_name() {
    let notices = async |chat: bool| {
        let (twitch, control) = fake(0).await;
        let mut o = TwitchOptions::new(&twitch.irc_url(), twitch.channel());
        o.quiet_hint_after = Duration::from_millis(300);
        let (tx, mut rx) = mpsc::channel(1000);
        let (state_tx, _state) = watch::channel(ChatState::Connecting { attempt: 0 });
        let cancel = CancellationToken::new();
        let task = tokio::spawn(TwitchSource::new(o, tx, state_tx).run(cancel.clone()));
        joined(&control, 1).await;
        if chat {
            control.chat("viewer1", "hi");
        }
        let mut said = Vec::new();
        // A second quiet spell passes: still one hint.
        let _ = timeout(Duration::from_millis(1200), async {
            while let Some(m) = rx.recv().await {
                if let SourceMsg::Notice { text } = m {
                    said.push(text);
                }
            }
        })
        .await;
        cancel.cancel();
        let _ = task.await;
        said
    };
    let quiet = notices(false).await;
    assert_eq!(quiet.len(), 1, "{quiet:?}");
    assert!(
        quiet[0].contains("no chat in #") && quiet[0].contains("check its name"),
        "{quiet:?}"
    );
    assert!(notices(true).await.is_empty());
}

/// No Helix credentials and a probe that cannot tell (here: no streamlink): the run says
/// once that the live state is unknown and how to fix it, instead of sitting silent.
#[tokio::test]
async fn a_live_state_nothing_can_tell_is_said_once() {
    let rec = kicktui::config::Recorder {
        streamlink: "/nonexistent/streamlink".into(),
        ..Default::default()
    };
    let probe = kicktui::engine::stream_probe::StreamProbe::from_config(&rec, "fakechan");
    let no_helix = kicktui::config::Twitch::default();
    let (_news, _requests, mut notes, cancel, task) =
        actor_with(&no_helix, "fakechan", Some(probe));
    let mut said = 0;
    let _ = timeout(Duration::from_millis(600), async {
        while let Some(u) = notes.recv().await {
            if let Update::Note(n) = u
                && n.contains("cannot tell whether the stream is live")
            {
                assert!(n.contains("assume_live"), "{n}");
                said += 1;
            }
        }
    })
    .await;
    assert_eq!(said, 1);
    cancel.cancel();
    assert!(timeout(LIMIT, task).await.is_ok_and(|r| r.is_ok()));
}

/// A suspended channel never confirms the JOIN: the reconnecting line says Twitch's reason,
/// not only "the JOIN was not confirmed" (the notice scrolled away in the log).
#[tokio::test]
async fn an_unconfirmed_join_says_twitchs_reason() {
    let (twitch, control) = fake(0).await;
    control.suspend_channel(true);
    let mut o = TwitchOptions::new(&twitch.irc_url(), twitch.channel());
    o.connect_timeout = Duration::from_secs(1);
    o.backoff_base = Duration::from_millis(20);
    let (tx, _rx) = mpsc::channel(1000);
    let (state_tx, mut state) = watch::channel(ChatState::Connecting { attempt: 0 });
    let cancel = CancellationToken::new();
    let task = tokio::spawn(TwitchSource::new(o, tx, state_tx).run(cancel.clone()));
    let reason = timeout(LIMIT, async {
        loop {
            // The first unconfirmed JOIN with the notice in (a slow machine may time out a
            // connection first).
            if let ChatState::Reconnecting { reason, .. } = &*state.borrow_and_update()
                && reason.contains("msg_channel_suspended")
            {
                return reason.clone();
            }
            state.changed().await.expect("the source runs");
        }
    })
    .await
    .expect("a reconnect");
    assert!(
        reason.starts_with("the JOIN was not confirmed: msg_channel_suspended"),
        "{reason}"
    );
    cancel.cancel();
    let _ = timeout(LIMIT, task).await;
}
