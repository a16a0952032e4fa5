//! The fake Twitch's USERNOTICEs: subs and resubs, gifts (single and mass), raids, and a kind
//! no client knows.

use super::{TwitchControl, now, user};
use crate::fake::twitch::lines::{self, Notice, User};

impl TwitchControl {
    fn notice<'a>(&'a self, id: &'a str, u: &'a User) -> Notice<'a> {
        Notice {
            id,
            room_id: self.shared.cfg.room_id,
            channel: &self.shared.cfg.channel,
            user: u,
            sent_ms: now().0,
        }
    }

    /// A new sub (`months` ≤ 1) or a resub with its attached message (which is not chat).
    pub fn sub(&self, username: &str, months: u32) -> String {
        let id = self.shared.uuid();
        let u = user(username);
        let n = self.notice(&id, &u);
        let line = if months <= 1 {
            let params = [
                ("cumulative-months", "1".to_string()),
                ("sub-plan", "1000".into()),
                ("sub-plan-name", "Channel Subscription".into()),
            ];
            let sys = format!("{} subscribed at Tier 1.", u.display);
            ("sub", lines::usernotice(&n, "sub", &params, &sys, None))
        } else {
            let params = [
                ("cumulative-months", months.to_string()),
                ("streak-months", "1".into()),
                ("sub-plan", "Prime".into()),
                ("should-share-streak", "0".into()),
            ];
            let sys = format!(
                "{} subscribed with Prime. They've subscribed for {months} months!",
                u.display
            );
            let line = lines::usernotice(
                &n,
                "resub",
                &params,
                &sys,
                Some("CLIP THAT LUL love the stream"),
            );
            ("resub", line)
        };
        self.shared
            .publish(vec![(line.0, Some(id.clone()), line.1)]);
        id
    }

    /// A mass gift: the `submysterygift` line, then one `subgift` per recipient carrying the
    /// same community gift id (all in one frame). `count == 1` sends a single `subgift`.
    pub fn gift_subs(&self, gifter: &str, count: u32) -> Vec<String> {
        let u = user(gifter);
        let community = (self.shared.random() % 9_000_000_000 + 1_000_000_000).to_string();
        let mut items = Vec::new();
        if count > 1 {
            let id = self.shared.uuid();
            let params = [
                ("mass-gift-count", count.to_string()),
                ("sender-count", count.to_string()),
                ("sub-plan", "1000".into()),
                ("community-gift-id", community.clone()),
            ];
            let sys = format!(
                "{} is gifting {count} Tier 1 Subs to the community!",
                u.display
            );
            let line =
                lines::usernotice(&self.notice(&id, &u), "submysterygift", &params, &sys, None);
            items.push(("submysterygift", Some(id), line));
        }
        for _ in 0..count {
            let id = self.shared.uuid();
            let lucky = format!("lucky{}", self.shared.random() % 100_000);
            let mut params = vec![
                ("recipient-user-name", lucky.clone()),
                ("recipient-display-name", lucky.clone()),
                (
                    "recipient-id",
                    (self.shared.random() % 1_000_000_000).to_string(),
                ),
                ("gift-months", "1".into()),
                ("months", "1".into()),
                ("sub-plan", "1000".into()),
            ];
            if count > 1 {
                params.push(("community-gift-id", community.clone()));
            }
            let sys = format!("{} gifted a Tier 1 sub to {lucky}!", u.display);
            let line = lines::usernotice(&self.notice(&id, &u), "subgift", &params, &sys, None);
            items.push(("subgift", Some(id), line));
        }
        let ids = items.iter().filter_map(|i| i.1.clone()).collect();
        self.shared.publish(items);
        ids
    }

    pub fn raid(&self, from: &str, viewers: u32) -> String {
        let id = self.shared.uuid();
        let u = user(from);
        let params = [
            ("displayName", u.display.clone()),
            ("login", u.login.clone()),
            ("viewerCount", viewers.to_string()),
            (
                "profileImageURL",
                "https://static-cdn.jtvnw.net/jtv_user_pictures/x-70x70.png".into(),
            ),
        ];
        let sys = format!("{viewers} raiders from {} have joined!", u.display);
        let line = lines::usernotice(&self.notice(&id, &u), "raid", &params, &sys, None);
        self.shared.publish(vec![("raid", Some(id.clone()), line)]);
        id
    }

    /// A USERNOTICE with a `msg-id` no client knows.
    pub fn unknown_notice(&self) -> String {
        let id = self.shared.uuid();
        let u = user("someone");
        let line = lines::usernotice(
            &self.notice(&id, &u),
            "brandnewthing",
            &[],
            "Something new!",
            Some("hi"),
        );
        self.shared
            .publish(vec![("unknown", Some(id.clone()), line)]);
        id
    }
}
