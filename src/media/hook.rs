//! `[clips] on_ready`: the user's command after each clip (an upload script, say). An argv,
//! never a shell; `{path}` is replaced; it runs in the background, tracked so it cannot
//! outlive kicktui, and never holds up the clip queue.

use std::path::Path;
use std::time::Duration;

use tokio::process::Command;

use super::children::Tracked;

/// An upload may be slow, but not endless.
const HOOK_TIMEOUT: Duration = Duration::from_secs(600);
/// A hook still running after this is said to be running.
const SAY_WAITING_AFTER: Duration = Duration::from_secs(2);

/// The argv with `{path}` replaced in every argument.
pub fn hook_argv(template: &[String], path: &Path) -> Vec<String> {
    let p = path.to_string_lossy();
    template.iter().map(|a| a.replace("{path}", &p)).collect()
}

/// Starts the hook for `path` in the background; does nothing when `template` is empty.
pub fn run_on_ready(template: &[String], path: &Path) {
    let argv = hook_argv(template, path);
    if argv.is_empty() {
        return;
    }
    tokio::spawn(async move {
        match run(&argv).await {
            Ok(done) => tracing::info!("{done}"),
            Err(why) => tracing::warn!("{why}"),
        }
    });
}

/// Runs the hook for `path` to its end (the `clip` commands, which exit after) and says how
/// it went on stderr, beside the clip's line. Nothing when `template` is empty.
pub fn run_on_ready_now(rt: &tokio::runtime::Runtime, template: &[String], path: &Path) {
    let argv = hook_argv(template, path);
    if argv.is_empty() {
        return;
    }
    let said = rt
        .block_on(async {
            let run = run(&argv);
            tokio::pin!(run);
            // A hook that takes a while (an upload) is said, so the wait is not a hang.
            tokio::select! {
                r = &mut run => return r,
                () = tokio::time::sleep(SAY_WAITING_AFTER) => {}
            }
            eprintln!(
                "on_ready {}: running (up to {} min; Ctrl-C stops it)",
                argv[0],
                HOOK_TIMEOUT.as_secs() / 60
            );
            run.await
        })
        .unwrap_or_else(|why| why);
    eprintln!("{said}");
}

async fn run(argv: &[String]) -> Result<String, String> {
    let Some((program, args)) = argv.split_first() else {
        return Err("on_ready: empty".into());
    };
    let mut cmd = Command::new(program);
    cmd.args(args);
    match tokio::time::timeout(HOOK_TIMEOUT, Tracked::output(&mut cmd)).await {
        Ok(Ok(out)) if out.success() => Ok(format!("on_ready {program}: done")),
        Ok(Ok(out)) => Err(format!("on_ready {program} failed: {}", out.failure())),
        Ok(Err(e)) => Err(format!("on_ready {program} could not start: {e}")),
        Err(_) => Err(format!("on_ready {program} timed out and was killed")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_is_substituted_in_each_argument() {
        let t: Vec<String> = ["rclone", "copy", "{path}", "remote:clips"]
            .map(String::from)
            .to_vec();
        let argv = hook_argv(&t, Path::new("/d/clips/a b.mp4"));
        assert_eq!(
            argv,
            vec!["rclone", "copy", "/d/clips/a b.mp4", "remote:clips"]
        );
    }
}
