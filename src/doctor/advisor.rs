//! The `[advisor]` check: on or off, and whether the key it needs is set. Nothing is sent (a
//! call costs the user money).

use super::Check;
use crate::advisor::AdvisorSetup;
use crate::config::Config;

const NAME: &str = "co-pilot";

pub fn check(cfg: &Config) -> Check {
    match AdvisorSetup::from_config(cfg) {
        Ok(None) => Check::skip(NAME, "off ([advisor] enabled = false)"),
        Ok(Some(s)) => {
            let provider = format!("{:?}", s.cfg.provider).to_lowercase();
            // A password or key in the base's URL is not for a pasted doctor report.
            let at = crate::redact::url_without_secrets(s.cfg.api_base());
            Check::ok(NAME, format!("{provider} {} at {at}", s.cfg.model()))
        }
        Err(why) => Check::fail(
            NAME,
            why,
            format!(
                "export {} before starting kicktui, or point [advisor] api_base at a local server",
                cfg.advisor.key_env()
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::*;

    #[test]
    fn off_on_with_a_local_server_and_a_missing_key() {
        let mut cfg = Config::default();
        assert_eq!(check(&cfg).status, Status::Skip);
        cfg.advisor.enabled = true;
        cfg.advisor.api_base = "http://127.0.0.1:11434".into();
        assert_eq!(check(&cfg).status, Status::Ok);
        cfg.advisor.provider = crate::config::Provider::Openai;
        cfg.advisor.api_base = "http://u:SECRETPW@127.0.0.1:11434/v1?api-key=SECRETQ".into();
        let c = check(&cfg);
        assert_eq!(c.status, Status::Ok);
        assert_eq!(
            c.detail, "openai gpt-4o-mini at http://127.0.0.1:11434/v1?…",
            "{}",
            c.detail
        );
        cfg.advisor.api_base = "https://api.example.com".into();
        cfg.advisor.api_key_env = "KICKTUI_TEST_NO_SUCH_KEY".into();
        let c = check(&cfg);
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.detail.contains("KICKTUI_TEST_NO_SUCH_KEY"),
            "{}",
            c.detail
        );
    }
}
