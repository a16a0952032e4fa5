//! The TUI on the live engine: both run side by side; the TUI's commands are translated for
//! the engine, and quitting the TUI stops the engine in order (writes flushed, session closed).

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::app::msg::Cmd;
use crate::app::state::TuiContext;
use crate::engine::feed::Feed;
use crate::engine::live::{self, LiveSetup};
use crate::engine::runner::{Command, EngineEnd};
use crate::engine::signals;
use crate::engine::update::Update;
use crate::headless::Printer;
use crate::time::wall_now;

/// What the engine can do with a TUI command; the rest the TUI answers itself for now.
fn engine_command(cmd: &Cmd) -> Option<Command> {
    match cmd {
        Cmd::MarkMoment { at } => Some(Command::MarkMoment {
            at: *at,
            note: None,
        }),
        Cmd::ClipMoment { id } => Some(Command::ClipMoment { id: *id }),
        Cmd::SkipClip { id, skip } => Some(Command::SkipClip {
            id: *id,
            skip: *skip,
        }),
        Cmd::Quit => Some(Command::Quit),
        Cmd::AtQuit(choice) => Some(Command::AtQuit(*choice)),
        Cmd::SetActivity(name) => Some(Command::SetActivity { name: name.clone() }),
        Cmd::Copilot(c) => Some(Command::Copilot(c.clone())),
        Cmd::Repaint => None,
    }
}

/// How long the engine's last words may take to arrive after it ended.
const LAST_WORDS: std::time::Duration = std::time::Duration::from_millis(200);

/// How long the TUI's last commands may take to reach the engine at quit.
const HAND_OVER: std::time::Duration = std::time::Duration::from_secs(2);

pub async fn run_live_tui(
    setup: LiveSetup,
    stop: CancellationToken,
    ctx: TuiContext,
) -> Result<EngineEnd, Box<dyn std::error::Error>> {
    run_live_tui_with(setup, stop, ctx, mpsc::channel(16)).await
}

/// [`run_live_tui`] with the engine's command channel made by the caller, so something else
/// (the demo's simulated streamer) can send commands too.
pub async fn run_live_tui_with(
    setup: LiveSetup,
    stop: CancellationToken,
    ctx: TuiContext,
    (commands_tx, commands_rx): (mpsc::Sender<Command>, mpsc::Receiver<Command>),
) -> Result<EngineEnd, Box<dyn std::error::Error>> {
    signals::cancel_on_signals(stop.clone(), None);
    let feed = Feed::new();
    let mut updates_rx = feed.subscribe().into_mpsc(256);
    let (tui_tx, mut tui_rx) = mpsc::channel::<Cmd>(16);
    let channel = setup.channel_label();
    let stopping = if setup.cfg.recorder.enabled {
        "Stopping: the recording, queued clips and the last alerts…"
    } else {
        "Stopping: the last writes and alerts…"
    };
    let mut engine = tokio::spawn(live::run(setup, feed, commands_rx, stop.clone()));
    let mut forward = tokio::spawn(async move {
        while let Some(cmd) = tui_rx.recv().await {
            if let Some(c) = engine_command(&cmd)
                && commands_tx.send(c).await.is_err()
            {
                break;
            }
        }
    });
    let shown = crate::term::run_tui(&mut updates_rx, tui_tx, stop.clone(), ctx).await;
    // The TUI's last commands (the answer at quit) reach the engine before it is stopped:
    // `run_tui` dropped its sender, so the forwarder ends once they are handed over.
    let _ = tokio::time::timeout(HAND_OVER, &mut forward).await;
    // The terminal is restored; whatever ended the TUI ends the engine too. Stopping
    // streamlink and cutting queued clips takes a moment: say what happens meanwhile.
    stop.cancel();
    crate::present::say(stopping);
    let mut printer = Printer::new(&channel, crate::headless::CHAT_LINE_EVERY_S);
    let mut last_words = |u: Update| {
        let report = matches!(&u, Update::Note(n) if n.starts_with("Stream report saved")
            || n.starts_with(crate::engine::engage_report::REPORT_FAILED)
            || n.starts_with(crate::notify::DRAIN_PREFIX));
        if report || matches!(u, Update::Recorder(_) | Update::Clip(_)) {
            // Logged as the TUI logged them, as the headless printer does.
            crate::headless::log_said(&u, crate::notify::log_note);
            for line in printer.lines(&u, wall_now()) {
                crate::present::say(&line);
            }
        }
    };
    let end = loop {
        tokio::select! {
            end = &mut engine => break end,
            Some(u) = updates_rx.recv() => last_words(u),
        }
    };
    // What the engine said just before it ended (the clips left at quit, the report): a
    // relay task carries it, maybe a moment behind.
    while let Ok(Some(u)) = tokio::time::timeout(LAST_WORDS, updates_rx.recv()).await {
        last_words(u);
    }
    let end = end.map_err(|e| format!("the engine task failed: {e}"))?;
    forward.abort();
    shown?;
    Ok(end?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Ts;
    use crate::engine::media::QuitClips;

    #[test]
    fn marks_carry_the_key_press_time_and_quit_reaches_the_engine() {
        assert_eq!(
            engine_command(&Cmd::MarkMoment { at: Ts(5) }),
            Some(Command::MarkMoment {
                at: Ts(5),
                note: None
            })
        );
        assert_eq!(engine_command(&Cmd::Quit), Some(Command::Quit));
        assert_eq!(
            engine_command(&Cmd::ClipMoment { id: 7 }),
            Some(Command::ClipMoment { id: 7 })
        );
        assert_eq!(engine_command(&Cmd::Repaint), None);
        let ask = crate::engine::copilot::CopilotCmd::AskNow;
        assert_eq!(
            engine_command(&Cmd::Copilot(ask.clone())),
            Some(Command::Copilot(ask))
        );
        assert_eq!(
            engine_command(&Cmd::AtQuit(QuitClips::Leave)),
            Some(Command::AtQuit(QuitClips::Leave))
        );
        assert_eq!(
            engine_command(&Cmd::SetActivity("react".into())),
            Some(Command::SetActivity {
                name: "react".into()
            })
        );
    }
}
