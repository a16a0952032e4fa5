use std::process::ExitCode;

use clap::Parser;

use kicktui::cli::{Cli, Command};
use kicktui::commands;

fn main() -> ExitCode {
    // A panic must not leave a streamlink or ffmpeg child behind.
    kicktui::media::children::install_panic_hook();
    kicktui::media::reaper::this_process_can_reap();
    kicktui::fd_limit::raise();
    let cli = Cli::parse();
    if let Err(e) = cli.check_live_args_unused() {
        eprintln!("kicktui: {e}");
        return ExitCode::from(2);
    }
    let result = match &cli.command {
        Some(Command::Replay(args)) => commands::replay(&cli, args),
        Some(Command::Moments(args)) => commands::moments(&cli, args),
        Some(Command::Sessions(args)) => commands::sessions(&cli, args),
        Some(Command::Eval(args)) => commands::eval(&cli, args),
        Some(Command::Synth(args)) => commands::synth(args),
        Some(Command::ReapChildren(args)) => {
            return kicktui::media::reaper::run(args.parent, &args.dir);
        }
        Some(Command::Demo(args)) => commands::demo(&cli, args),
        Some(Command::TuiPreview(args)) => kicktui::tui_preview::main(&cli, args),
        Some(Command::Clip(args)) => commands::clip(&cli, args),
        Some(Command::Doctor(args)) => commands::doctor(&cli, args),
        Some(Command::Report(args)) => commands::report(&cli, args),
        Some(Command::Login(_)) => commands::login(&cli),
        None => commands::live(&cli),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            kicktui::present::say_err(&format!("kicktui: {e}"));
            ExitCode::from(2)
        }
    }
}
