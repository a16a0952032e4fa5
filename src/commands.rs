//! What each subcommand does, between the parsed command line and the library.

use std::fs::File;
use std::io::{BufReader, Write};
use std::process::ExitCode;
use std::time::Instant;

use crate::cli::{Cli, ReplayArgs};
use crate::config::{self, Config};

/// A failure worth one clear line to the user.
pub type CmdResult = Result<ExitCode, Box<dyn std::error::Error>>;

fn load_config(cli: &Cli) -> Result<Config, config::ConfigError> {
    config::load(cli.config.as_deref()).map(|(c, _)| c)
}

pub fn replay(cli: &Cli, args: &ReplayArgs) -> CmdResult {
    let cfg = load_config(cli)?;
    let file =
        File::open(&args.file).map_err(|e| format!("cannot open {}: {e}", args.file.display()))?;
    let started = Instant::now();
    let report = crate::replay::run(BufReader::with_capacity(1 << 20, file), &cfg)?;
    let elapsed = started.elapsed().as_secs_f64();
    let mut out = std::io::stdout().lock();
    out.write_all(crate::replay::render(&report, args.format).as_bytes())?;
    if args.bench {
        let lines = report.stats.lines as f64;
        eprintln!(
            "replay: {} lines in {elapsed:.3} s = {:.0} lines/s; peak memory {}",
            report.stats.lines,
            lines / elapsed.max(1e-9),
            crate::bench::peak_rss().map_or("unknown".into(), |kb| format!(
                "{:.1} MB",
                kb as f64 / 1024.0
            )),
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn live(cli: &Cli) -> CmdResult {
    let _cfg = load_config(cli)?;
    match &cli.live.channel {
        Some(ch) => {
            Err(format!("live mode for {ch} is not built yet; try `kicktui replay FILE`").into())
        }
        None => {
            Err("name a channel (kicktui clavicular) or a subcommand; see kicktui --help".into())
        }
    }
}
