//! Entering and leaving the terminal: raw mode, the alternate screen, a hidden cursor. Every
//! exit path restores it: the guard's Drop, and a panic hook that restores and then ends the
//! process (a UI cannot keep drawing on a restored terminal).

use std::io::{self, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::{Hide, MoveTo, Show};
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

/// The terminal is in TUI mode; whoever restores it first clears this.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Keys typed but not yet read are dropped: before the TUI is up (an `m` typed while it
/// started marked a moment before anything was on screen) and when it ends (keys meant for
/// the TUI must not reach the shell).
fn drop_unread_keys() {
    let _ = nix::sys::termios::tcflush(io::stdin(), nix::sys::termios::FlushArg::TCIFLUSH);
}

/// Restores the terminal if the TUI owns it. Safe to call more than once.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        drop_unread_keys();
        let _ = disable_raw_mode();
        let mut out = io::stdout();
        // Cleared first: after a resize, tmux left rows of the TUI in the shell when the
        // alternate screen was left with the cursor mid-screen.
        let _ = execute!(
            out,
            DisableBracketedPaste,
            Clear(ClearType::All),
            MoveTo(0, 0),
            LeaveAlternateScreen,
            Show
        );
        let _ = out.flush();
    }
}

/// A panic while the TUI owns the terminal: restore it, print the panic as usual, exit 101.
/// A panic at any other time behaves as it would without the TUI.
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Caught and restarted by its supervisor: the UI goes on (the log pane shows it).
            if let Some(task) = crate::supervise::supervised_task() {
                tracing::error!("panic in {task}: {info}");
                return;
            }
            let owned = ACTIVE.load(Ordering::SeqCst);
            restore();
            previous(info);
            if owned {
                std::process::exit(101);
            }
        }));
    });
}

/// Owns the terminal while alive.
pub struct TermGuard(());

impl TermGuard {
    pub fn enter() -> io::Result<TermGuard> {
        install_panic_hook();
        enable_raw_mode()?;
        drop_unread_keys();
        ACTIVE.store(true, Ordering::SeqCst);
        let guard = TermGuard(());
        // No mouse capture: it would steal text selection in tmux and SSH clients. Bracketed
        // paste: a paste arrives as one event, not as a key per character (each a command).
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            Hide,
            EnableBracketedPaste
        )?;
        Ok(guard)
    }
}

impl TermGuard {
    /// After a SIGSTOP and SIGCONT: the shell took the terminal back meanwhile (cooked mode,
    /// echo, its own screen), so the TUI's modes are set again before a full repaint. `false`:
    /// not in the foreground (or the terminal is gone), nothing set, nothing to repaint.
    pub fn reenter(&self) -> io::Result<bool> {
        // Continued in the background (`bg`): setting the terminal would stop the process
        // again (SIGTTOU); `fg` sends another SIGCONT.
        let foreground =
            nix::unistd::tcgetpgrp(io::stdin()).is_ok_and(|group| group == nix::unistd::getpgrp());
        if !foreground {
            return Ok(false);
        }
        // crossterm skips enabling raw mode it believes is on: off first, then on again.
        disable_raw_mode()?;
        enable_raw_mode()?;
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            Hide,
            EnableBracketedPaste
        )?;
        Ok(true)
    }
}

impl Drop for TermGuard {
    fn drop(&mut self) {
        restore();
    }
}
