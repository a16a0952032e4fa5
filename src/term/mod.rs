//! The TUI's edge: owns the terminal, turns terminal events, engine updates and a 1 Hz clock
//! into `Msg`s for the model, draws only when something changed (at most 10 frames/s, at once
//! after a key), and hands the model's commands to the engine without ever waiting on it.

mod guard;
mod writer;

use std::io;
use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

pub use guard::{TermGuard, install_panic_hook, restore};
use writer::{Busy, ThreadWriter};

use crate::app::{App, Cmd, Msg, TuiContext};
use crate::engine::update::Update;
use crate::time::wall_now;

/// At most 10 frames a second.
const FRAME: Duration = Duration::from_millis(100);
/// The clock redraws after this long without a frame (a second, with the tick's jitter).
const QUIET_REDRAW: Duration = Duration::from_millis(900);
/// While the terminal is still writing the last frame, look again this often.
const BUSY_RETRY: Duration = Duration::from_millis(25);
/// After a SIGCONT, how long a stop that came with it (a hangup) has to win.
const RESUME_AFTER: Duration = Duration::from_millis(200);
/// Engine updates taken in one go before drawing (a backlog cannot starve the keys).
const UPDATE_BATCH: usize = 64;

type Term = Terminal<CrosstermBackend<ThreadWriter>>;

/// The TUI draws on stdout and reads keys from stdin: both must be a terminal (not a pipe,
/// a service, or `ssh` without `-t`). Checked before anything starts. `instead`: what to
/// do without one (`add --headless for log lines instead`).
pub fn need_terminal(instead: &str) -> Result<(), String> {
    use std::io::IsTerminal;
    // A dumb terminal (Emacs' shell, some IDE consoles) cannot move the cursor: the screen
    // would be a scroll of garbage.
    if std::env::var_os("TERM").is_some_and(|t| t == "dumb") {
        return Err(format!(
            "the TUI needs a terminal that can move the cursor, and TERM is dumb here: {instead}"
        ));
    }
    if io::stdin().is_terminal() && io::stdout().is_terminal() {
        Ok(())
    } else {
        Err(format!(
            "the TUI needs a terminal, and stdin or stdout is not one here (a pipe, a service, \
             or ssh without -t): {instead}"
        ))
    }
}

/// Runs the TUI until a quit key, `cancel` (a signal), or the terminal going away. `Quit` is
/// also sent on `cmd_tx`; the caller stops the engine. The terminal is restored on every path.
pub async fn run_tui(
    rx: &mut mpsc::Receiver<Update>,
    cmd_tx: mpsc::Sender<Cmd>,
    cancel: CancellationToken,
    ctx: TuiContext,
) -> io::Result<()> {
    let guard = TermGuard::enter()?;
    let writer = ThreadWriter::spawn()?;
    let busy = writer.busy();
    let mut terminal = Terminal::new(CrosstermBackend::new(writer))?;
    let size = terminal.size()?;
    let mut app = App::new(ctx, wall_now());
    app.update(
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
        wall_now(),
    );
    let mut lp = Loop {
        terminal: &mut terminal,
        app: &mut app,
        cmd_tx: &cmd_tx,
        busy,
        guard: &guard,
    };
    let result = lp.run(rx, &cancel).await;
    // The writer thread lets the last frame out, then the guard restores the terminal.
    drop(terminal);
    drop(guard);
    tokio::spawn(stop_at_each_tstp());
    result
}

/// Ctrl-Z stops the process again once the TUI is gone (clips cut at quit can be paused like
/// any command): tokio never uninstalls the TUI's handler, so without this it did nothing.
async fn stop_at_each_tstp() {
    let Ok(mut tstp) = signal(SignalKind::from_raw(nix::libc::SIGTSTP)) else {
        return;
    };
    while tstp.recv().await.is_some() {
        let _ = nix::sys::signal::raise(nix::sys::signal::Signal::SIGSTOP);
    }
}

struct Loop<'a> {
    terminal: &'a mut Term,
    app: &'a mut App,
    cmd_tx: &'a mpsc::Sender<Cmd>,
    busy: Busy,
    guard: &'a TermGuard,
}

enum Flow {
    Go,
    Quit,
}

impl Loop<'_> {
    async fn run(
        &mut self,
        rx: &mut mpsc::Receiver<Update>,
        cancel: &CancellationToken,
    ) -> io::Result<()> {
        let mut events = EventStream::new();
        let mut clock = tokio::time::interval_at(
            Instant::now() + Duration::from_secs(1),
            Duration::from_secs(1),
        );
        clock.set_missed_tick_behavior(MissedTickBehavior::Skip);
        // Caught, SIGTSTP no longer stops the process: stopped, kicktui would read no chat and
        // watch no recording. A SIGSTOP cannot be caught: at its SIGCONT the terminal is set up
        // again (the shell had it meanwhile).
        let mut stop = signal(SignalKind::from_raw(nix::libc::SIGTSTP)).ok();
        let mut cont = signal(SignalKind::from_raw(nix::libc::SIGCONT)).ok();
        let mut engine_open = true;
        let mut dirty = true;
        let mut urgent = true;
        let mut last_draw: Option<Instant> = None;
        let mut resume: Option<Instant> = None;
        loop {
            if dirty {
                let due = urgent || last_draw.is_none_or(|t| t.elapsed() >= FRAME);
                if due && !self.busy.get() {
                    self.draw()?;
                    last_draw = Some(Instant::now());
                    (dirty, urgent) = (false, false);
                }
            }
            let wake = dirty.then(|| match last_draw {
                Some(t) if !self.busy.get() => t + FRAME,
                _ => Instant::now() + BUSY_RETRY,
            });
            tokio::select! {
                biased;
                () = cancel.cancelled() => return Ok(()),
                ev = events.next() => match ev {
                    Some(Ok(ev)) => {
                        let (flow, key) = self.on_terminal(ev)?;
                        if let Flow::Quit = flow {
                            return Ok(());
                        }
                        dirty = true;
                        urgent |= key;
                    }
                    Some(Err(e)) => return Err(e),
                    // Input closed: the terminal is gone.
                    None => return Ok(()),
                },
                u = rx.recv(), if engine_open => {
                    match u {
                        Some(u) => {
                            self.app.update(Msg::Engine(u), wall_now());
                            // Take what else is waiting, up to a batch, then draw once.
                            for _ in 1..UPDATE_BATCH {
                                let Ok(u) = rx.try_recv() else { break };
                                self.app.update(Msg::Engine(u), wall_now());
                            }
                        }
                        None => {
                            engine_open = false;
                            self.app.update(Msg::EngineGone, wall_now());
                        }
                    }
                    dirty = true;
                }
                Some(()) = next_signal(&mut stop) => {
                    self.app.update(Msg::StopRefused, wall_now());
                    (dirty, urgent) = (true, true);
                }
                Some(()) = next_signal(&mut cont) => {
                    // A moment later: a hangup (the terminal gone) sends SIGCONT with its
                    // SIGHUP, and the stop it asks for must win (setting up a dead terminal
                    // ended the process before its report was saved).
                    resume = Some(Instant::now() + RESUME_AFTER);
                }
                () = sleep_until(resume), if resume.is_some() => {
                    resume = None;
                    if self.guard.reenter()? {
                        self.repaint()?;
                    }
                    (dirty, urgent) = (true, true);
                }
                _ = clock.tick() => {
                    self.app.update(Msg::Tick(wall_now()), wall_now());
                    // The engine's updates draw every second while it runs: the clock's tick
                    // draws only when nothing else has for a second (it made every other
                    // frame an empty one).
                    dirty |= last_draw.is_none_or(|t| t.elapsed() >= QUIET_REDRAW);
                }
                () = sleep_until(wake), if wake.is_some() => {}
            }
        }
    }

    /// Clears the screen; the next draw redraws every cell. Not `Terminal::clear`: it asks the
    /// terminal where the cursor is, an answer the key reader may take first (the TUI then
    /// quit on a 2 s timeout after a SIGCONT).
    fn repaint(&mut self) -> io::Result<()> {
        use ratatui::backend::{Backend, ClearType};
        self.terminal.backend_mut().clear_region(ClearType::All)?;
        // Both buffers blank: the next draw differs from "before" in every drawn cell.
        self.terminal.swap_buffers();
        self.terminal.swap_buffers();
        Ok(())
    }

    fn draw(&mut self) -> io::Result<()> {
        tui_logger::move_events();
        let app = &*self.app;
        self.terminal.draw(|f| crate::ui::draw(f, app))?;
        Ok(())
    }

    /// Returns whether to go on, and whether it was a key (drawn at once).
    fn on_terminal(&mut self, ev: Event) -> io::Result<(Flow, bool)> {
        let now = wall_now();
        let (msg, key) = match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => (Msg::Key(k), true),
            Event::Resize(width, height) => (Msg::Resize { width, height }, true),
            Event::Paste(text) => (Msg::Paste(text.chars().count()), true),
            _ => return Ok((Flow::Go, false)),
        };
        let cmds = self.app.update(msg, now);
        Ok((self.dispatch(cmds)?, key))
    }

    fn dispatch(&mut self, cmds: Vec<Cmd>) -> io::Result<Flow> {
        for cmd in cmds {
            match cmd {
                Cmd::Repaint => self.repaint()?,
                Cmd::Quit => {
                    let _ = self.cmd_tx.try_send(Cmd::Quit);
                    return Ok(Flow::Quit);
                }
                other => {
                    if let Err(e) = self.cmd_tx.try_send(other) {
                        self.app.update(Msg::CmdDropped(e.into_inner()), wall_now());
                    }
                }
            }
        }
        Ok(Flow::Go)
    }
}

/// The next delivery of a signal being listened for; never, when it could not be.
async fn next_signal(s: &mut Option<Signal>) -> Option<()> {
    match s {
        Some(s) => s.recv().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}
