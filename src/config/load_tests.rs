use super::*;

#[test]
fn a_relative_data_dir_in_a_file_is_beside_the_file() {
    let file = Path::new("/etc/kicktui/config.toml");
    assert_eq!(beside_file("data", file), "/etc/kicktui/data");
    assert_eq!(beside_file("/srv/k", file), "/srv/k");
    assert_eq!(beside_file("~/k", file), "~/k");
    assert_eq!(beside_file("", file), "");
}

#[test]
fn the_data_dir_is_absolute_with_home_expanded() {
    let home = Path::new("/home/me");
    assert_eq!(expand_home(Path::new("~/kt"), Some(home)), home.join("kt"));
    assert_eq!(expand_home(Path::new("~"), Some(home)), home);
    assert_eq!(expand_home(Path::new("a/~"), Some(home)), Path::new("a/~"));
    let cfg = Config::default();
    let d = resolve_data_dir(Some(Path::new("rel")), &cfg);
    assert!(d.is_absolute(), "{d:?}");
    assert!(d.ends_with("rel"), "{d:?}");
}

fn err(text: &str) -> String {
    parse_str(text, "my.toml").unwrap_err().to_string()
}

#[test]
fn unknown_key_names_file_key_and_choices() {
    let e = err("[velocity]\nthreshhold = 5.0\n");
    assert!(e.contains("my.toml"), "{e}");
    assert!(e.contains("velocity.threshhold"), "{e}");
    assert!(e.contains("threshold"), "{e}");
}

#[test]
fn wrong_type_names_key_and_type() {
    let e = err("[velocity]\nthreshold = \"fast\"\n");
    assert!(
        e.ends_with("key `velocity.threshold`: a number, got string \"fast\""),
        "{e}"
    );
    // The key's own range, not its type's (0 to 4294967295).
    let e = err("[chat]\nwindow_seconds = -3\n");
    assert!(
        e.ends_with("a whole number from 1 to 600, got integer `-3`"),
        "{e}"
    );
    let e = err("[chat]\nwindow_seconds = \"ten\"\n");
    assert!(e.ends_with("from 1 to 600, got string \"ten\""), "{e}");
    let e = err("[advisor]\nmax_calls_per_hour = 99999999999\n");
    assert!(e.contains("from 1 to 600"), "{e}");
    // A key with no narrower range keeps its type's.
    let e = err("general = 5\n");
    assert!(
        e.contains("a section of keys") && !e.contains("struct"),
        "{e}"
    );
    let e = err("[kick]\nchannel_id = -1\n");
    assert!(e.contains("from 0 to 18446744073709551615"), "{e}");
    // A local server's model must be named; the providers' own APIs have a default.
    let e = err("[advisor]\nenabled = true\napi_base = \"http://127.0.0.1:11434\"\n");
    assert!(
        e.contains("advisor.model") && e.contains("api_base serves"),
        "{e}"
    );
    // A key in the wrong section names the right one.
    let e = err("data_dir = \"/srv/kt\"\n");
    assert!(
        e.ends_with("unknown key `data_dir` here; it belongs in [general]"),
        "{e}"
    );
    // …but not a guess among several.
    let e = err("[alerts]\nenabled = true\n");
    assert!(!e.contains("belongs in"), "{e}");
}

#[test]
fn bad_enum_and_syntax() {
    let e = err("[velocity]\nmode = \"zscore\"\n");
    assert!(e.contains("velocity.mode") && e.contains("baseline"), "{e}");
    let e = err("[velocity\n");
    // Where the file is wrong, not a "key" named after it.
    assert!(e.contains("my.toml (line 1, column"), "{e}");
    assert!(!e.contains("key"), "{e}");
    let e = err("[alerts]\ncommand = \"notify-send {text}\"\n");
    assert!(
        e.contains("key `alerts.command`: an array such as [\"a\", \"b\"]"),
        "{e}"
    );
}

/// A hook's command is secret (it may hold a token), so the error hides double-quoted
/// values: its own example must still show.
#[test]
fn an_empty_program_is_told_with_an_example_that_shows() {
    for key in ["[clips]\non_ready", "[alerts]\ncommand"] {
        let e = err(&format!("{key} = [\"\", \"{{path}}\"]\n"));
        assert!(e.contains("such as ['notify-send', 'clip']"), "{e}");
    }
}

#[test]
fn a_secret_in_a_wrong_value_is_not_repeated() {
    let e = err("[kick]\nclient_secret = 987654321\n");
    assert!(
        e.contains("kick.client_secret") && !e.contains("987654321"),
        "{e}"
    );
    let e = err("[alerts]\ncommand = \"curl https://hooks.example.com/T0KEN\"\n");
    assert!(
        e.contains("an array such as") && !e.contains("T0KEN"),
        "{e}"
    );
    let e = err("[alerts]\ndiscord_events = [\"https://discord.com/api/webhooks/1/T0KEN\"]\n");
    assert!(
        e.contains("alerts.discord_events") && !e.contains("T0KEN"),
        "{e}"
    );
}

#[test]
fn out_of_range_value_is_an_error() {
    let e = err("[chat]\nwindow_seconds = 0\n");
    assert!(e.contains("chat.window_seconds"), "{e}");
    // Each of these passed and failed only when used (a hook, a clip, a login).
    for (toml, key) in [
        ("[clips]\non_ready = [\"\"]\n", "clips.on_ready"),
        ("[alerts]\ncommand = [\" \", \"x\"]\n", "alerts.command"),
        ("[recorder]\nstreamlink = \"\"\n", "recorder.streamlink"),
        (
            "[moments]\npre_roll_seconds = 0\npost_roll_seconds = 0\n",
            "moments.post_roll_seconds",
        ),
        (
            "[clips]\nreaction_delay_seconds = 99999\n",
            "clips.reaction_delay_seconds",
        ),
        ("[bot]\nenabled = true\nscopes = []\n", "bot.scopes"),
        // These passed and broke the engine: an infinite raid score, an engagement score
        // of NaN ("not scored"), a moment bar of NaN, a tight restart loop.
        (
            "[events]\nraid_min_viewers = 0\n",
            "events.raid_min_viewers",
        ),
        ("[engagement]\nsteepness = 0\n", "engagement.steepness"),
        (
            "[engagement]\nchat_weight = 1e308\n",
            "engagement.chat_weight",
        ),
        ("[moments]\nstrong_single = nan\n", "moments.strong_single"),
        (
            "[recorder]\nmax_backoff_seconds = 0\n",
            "recorder.max_backoff_seconds",
        ),
        (
            "[recorder]\nstop_timeout_seconds = 0\n",
            "recorder.stop_timeout_seconds",
        ),
        // Typed headless, "2" would pick the second arm and "m" mark a moment.
        ("[bandit]\narms = [\"talk\", \"2\"]\n", "bandit.arms"),
        ("[bandit]\narms = [\"M\", \"talk\"]\n", "bandit.arms"),
    ] {
        let e = err(toml);
        assert!(e.contains(&format!("key `{key}`")), "{toml}: {e}");
    }
    // None is fine, and scopes matter only with the chat voice on.
    assert!(parse_str("[clips]\non_ready = []\n[alerts]\ncommand = []\n", "x").is_ok());
    assert!(parse_str("[bot]\nscopes = []\n", "x").is_ok());
}

#[test]
fn partial_file_keeps_other_defaults() {
    let c = parse_str("[velocity]\nthreshold = 9.5\n", "x").unwrap();
    assert_eq!(c.velocity.threshold, 9.5);
    assert_eq!(c.keywords, Config::default().keywords);
}

#[test]
fn a_key_error_says_the_line_the_key_is_on() {
    for (toml, line, key) in [
        // Unknown key, wrong type, out of range, unknown section.
        (
            "# mine\n[velocity]\nthreshhold = 5.0\n",
            3,
            "velocity.threshhold",
        ),
        (
            "[chat]\nwindow_seconds = 30\n\n[velocity]\n  threshold = \"fast\"\n",
            5,
            "velocity.threshold",
        ),
        (
            "[peaks]\nenabled = true\nmin_probability = 7\n",
            3,
            "peaks.min_probability",
        ),
        ("[general]\n[velocit]\nthreshold = 3\n", 2, "velocit"),
        // A dotted key at the top, and a list's item.
        ("\nvelocity.threshold = \"x\"\n", 2, "velocity.threshold"),
        ("[bandit]\narms = [\"a\",\n  \"a\"]\n", 2, "bandit.arms"),
        // A key of the same name in another section is not it.
        (
            "[peaks]\nenabled = true\n[recorder]\nenabled = \"x\"\n",
            4,
            "recorder.enabled",
        ),
    ] {
        let e = err(toml);
        let said = format!("config error in my.toml (line {line}): key `{key}`");
        assert!(e.starts_with(&said), "{toml}: {e}");
    }
}
