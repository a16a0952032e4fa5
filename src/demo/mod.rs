//! `kicktui demo`: a simulated channel, so a new user sees the whole chain work without a
//! live stream. The fake Kick runs in-process on 127.0.0.1 (a free port); a scripted stream
//! plays on it (offline, then live with believable chat, subs, a gift, Kicks, a raid and
//! viewer counts); and the real engine watches it through the same API and Pusher code as a
//! real channel. Data goes to `<data dir>/demo/`, so it never mixes with real data.

mod lines;
mod rng;
mod show;
mod stage;
mod stream;

use std::path::{Path, PathBuf};

use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::engine::live::LiveSetup;
use crate::engine::runner::{Command, EngineEnd};
use crate::fake::twitch::{FakeTwitch, FakeTwitchConfig};
use crate::fake::{FakeChannel, FakeConfig, FakeKick};
use crate::source::Platform;

/// The demo's channel.
pub const CHANNEL: &str = "novaplays";

/// How many sent frames the demo's fake keeps for inspection. Nothing in the demo reads them;
/// the tests' 100 000 grew a demo left running by about 4 MB an hour.
const DEMO_LEDGER: usize = 100;

/// Marks a demo's data dir, so later commands on it know its clips are made up.
const MARKER: &str = "DEMO-DATA.txt";

/// Writes the marker (a note for whoever looks in the directory, too).
pub fn mark_dir(dir: &Path) -> std::io::Result<()> {
    crate::store::make_dir(dir)?;
    std::fs::write(
        dir.join(MARKER),
        "This data dir belongs to `kicktui demo`: its streams, moments and clips are made up.\n\
         `kicktui clip` run on it calls no [clips] on_ready hook.\n",
    )
}

/// Whether `dir` is a demo's data dir.
pub fn is_demo_dir(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
}

/// Where the demo keeps its data under the data dir `base`: `base/demo`, or `base` itself
/// when it is the demo's folder (`--data-dir X/demo`, as the lists suggest; it nested
/// X/demo/demo).
pub fn data_dir(base: std::path::PathBuf) -> std::path::PathBuf {
    if is_demo_dir(&base) {
        base
    } else {
        base.join("demo")
    }
}

pub fn fake_config() -> FakeConfig {
    let mut channel = FakeChannel::new(CHANNEL, 31_415_926, 27_182_818, 16_180_339);
    channel.username = "NovaPlays".into();
    channel.title = "Ranked grind to top 500 | !discord".into();
    FakeConfig {
        channels: vec![channel],
        ledger_limit: DEMO_LEDGER,
        ..FakeConfig::default()
    }
}

/// The user's detector settings, with every Kick endpoint pointed at the fake. The warm-up
/// is shortened (the opening's first moment comes ~20 s after going live) and the API is
/// polled more often so viewer counts move.
pub fn demo_config(mut cfg: Config, fake: &FakeKick) -> Config {
    cfg.kick = fake.kick_config();
    with_demo_pace(cfg)
}

/// The demo's pace on either platform (see [`demo_config`]).
pub(crate) fn with_demo_pace(mut cfg: Config) -> Config {
    cfg.chat.warmup_seconds = cfg.chat.warmup_seconds.min(10);
    cfg.recorder.poll_interval_seconds = 10;
    // The simulated streamer changes activity every couple of minutes: segments of a minute
    // count, and the context line comes every minute.
    cfg.bandit.min_segment_seconds = cfg.bandit.min_segment_seconds.min(60);
    cfg.bandit.context_interval_seconds = cfg.bandit.context_interval_seconds.min(60);
    // …which needs its first 45 s not credited (the window still holds the activity before)
    // and 15 s credited: a minute in all.
    cfg.engagement.window_seconds = cfg.engagement.window_seconds.min(45);
    // Activities are credited after a third of the baseline: two minutes in, not ten.
    cfg.engagement.baseline_minutes = cfg.engagement.baseline_minutes.min(6);
    cfg.bandit.start_activity = cfg.bandit.arms.first().cloned();
    // The demo's stream never ends: stopping it is its end, and shows the clips being cut.
    cfg.clips.cut_at_quit = true;
    cfg
}

/// The fake platform the demo's channel is on.
enum Fake {
    Kick(FakeKick),
    Twitch(FakeTwitch),
}

impl Fake {
    async fn start(platform: Platform) -> std::io::Result<Fake> {
        Ok(match platform {
            Platform::Kick => Fake::Kick(FakeKick::start(fake_config()).await?),
            Platform::Twitch => Fake::Twitch(
                FakeTwitch::start(FakeTwitchConfig {
                    channel: CHANNEL.into(),
                    ledger_limit: DEMO_LEDGER,
                    ..FakeTwitchConfig::default()
                })
                .await?,
            ),
        })
    }

    /// [`demo_config`] for this platform; `stream_url`: the local stream to record.
    fn config(&self, cfg: Config, stream_url: Option<&str>) -> Config {
        match self {
            Fake::Kick(fake) => {
                let mut cfg = demo_config(cfg, fake);
                if let Some(url) = stream_url {
                    cfg.recorder.stream_url = url.into();
                    cfg.recorder.use_playback_url = false;
                }
                cfg
            }
            Fake::Twitch(fake) => {
                let mut cfg = cfg;
                cfg.twitch = fake.twitch_config();
                if let Some(url) = stream_url {
                    cfg.twitch.stream_url = url.into();
                }
                let mut cfg = with_demo_pace(cfg);
                // Helix is polled: going live shows within seconds, as on Kick's socket.
                cfg.recorder.poll_interval_seconds = 5;
                cfg
            }
        }
    }

    fn show(
        &self,
        seed: u64,
        streamer: show::Streamer,
        stop: CancellationToken,
    ) -> tokio::task::JoinHandle<()> {
        match self {
            Fake::Kick(f) => tokio::spawn(show::run(f.control(), seed, Some(streamer), stop)),
            Fake::Twitch(f) => tokio::spawn(show::run(f.control(), seed, Some(streamer), stop)),
        }
    }

    async fn shutdown(self) {
        match self {
            Fake::Kick(f) => f.shutdown().await,
            Fake::Twitch(f) => f.shutdown().await,
        }
    }
}

/// Runs the demo until SIGINT, SIGTERM or SIGHUP.
/// `tui`: the TUI's context, or None for the headless log lines.
pub async fn run(
    cfg: Config,
    data_dir: PathBuf,
    platform: Platform,
    capture: Option<PathBuf>,
    tui: Option<crate::app::state::TuiContext>,
) -> Result<EngineEnd, Box<dyn std::error::Error>> {
    // First, so the stream has segments by the time the channel goes live (5 s in).
    let mut cfg = cfg;
    let stream = if cfg.recorder.enabled {
        let recordings = crate::media::recorder::recordings_dir(&data_dir);
        // One folder per platform: a Kick and a Twitch demo may run side by side (each holds
        // its own channel's lock), and in one folder each recorded the other's segments.
        let hls = data_dir.join(format!("hls-{}", platform.as_str()));
        match stream::DemoStream::start(&hls, &cfg.recorder.ffmpeg, &recordings).await {
            Ok(s) => Some(s),
            // No ffmpeg: the engine's tool check says so and turns recording off.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                tracing::warn!("demo: no local stream to record ({e}); recording is off");
                cfg.recorder.enabled = false;
                None
            }
        }
    } else {
        None
    };
    let fake = Fake::start(platform).await?;
    let cfg = fake.config(cfg, stream.as_ref().map(|s| s.url.as_str()));
    let stop = CancellationToken::new();
    let seed = crate::time::wall_now().0 as u64;
    let (commands_tx, commands_rx) = tokio::sync::mpsc::channel(16);
    let (viewer_tx, viewer_pick) = viewer_commands(commands_tx.clone());
    let streamer = show::Streamer {
        commands: commands_tx,
        arms: cfg.bandit.arms.clone(),
        viewer_pick,
    };
    let show = fake.show(seed, streamer, stop.child_token());
    let setup = LiveSetup {
        cfg,
        config_path: None,
        data_dir,
        platform,
        slug: CHANNEL.into(),
        capture,
    };
    let end = match tui {
        Some(ctx) => {
            let commands = (viewer_tx, commands_rx);
            crate::tui_live::run_live_tui_with(setup, stop.clone(), ctx, commands).await
        }
        None => {
            // The viewer's typed commands join the simulated streamer's.
            crate::headless::read_typed_commands(setup.cfg.bandit.arms.clone(), viewer_tx);
            crate::headless::run_live_with(setup, stop.clone(), commands_rx).await
        }
    };
    stop.cancel();
    let _ = show.await;
    if let Some(s) = stream {
        s.stop().await;
    }
    fake.shutdown().await;
    end
}

/// The viewer's commands (keys, typed lines), passed on to the engine; the activity they pick
/// is also told to the simulated streamer, who then lets them drive.
fn viewer_commands(
    engine: tokio::sync::mpsc::Sender<Command>,
) -> (
    tokio::sync::mpsc::Sender<Command>,
    tokio::sync::watch::Receiver<Option<String>>,
) {
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let (pick_tx, pick_rx) = tokio::sync::watch::channel(None);
    tokio::spawn(async move {
        while let Some(c) = rx.recv().await {
            if let Command::SetActivity { name } = &c {
                pick_tx.send_replace(Some(name.clone()));
            }
            if engine.send(c).await.is_err() {
                break;
            }
        }
    });
    (tx, pick_rx)
}

#[cfg(test)]
mod dir_tests {
    use super::*;

    #[test]
    fn the_demos_own_folder_given_is_not_nested() {
        let base = tempfile::tempdir().expect("tempdir");
        let demo = data_dir(base.path().to_path_buf());
        assert_eq!(demo, base.path().join("demo"));
        std::fs::create_dir_all(&demo).expect("mkdir");
        mark_dir(&demo).expect("marker");
        assert_eq!(data_dir(demo.clone()), demo);
    }
}
