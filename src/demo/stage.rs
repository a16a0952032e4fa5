//! What the demo's stream does on a fake platform: the same beats on the fake Kick or the fake
//! Twitch (a Kicks gift is a cheer of as many bits, the same dollars).

use crate::fake::FakeControl;
use crate::fake::twitch::TwitchControl;

pub trait Stage: Send + 'static {
    fn set_live(&self, title: &str);
    fn set_viewers(&self, viewers: u32);
    fn chat(&self, user: &str, text: &str);
    fn sub(&self, user: &str, months: u32);
    fn gift_subs(&self, gifter: &str, count: u32);
    /// Kicks on Kick, bits on Twitch: `amount` cents either way.
    fn tip(&self, user: &str, amount: u32, message: &str);
    fn raid(&self, host: &str, viewers: u32);
}

impl Stage for FakeControl {
    fn set_live(&self, title: &str) {
        FakeControl::set_live(self, title);
    }
    fn set_viewers(&self, viewers: u32) {
        FakeControl::set_viewers(self, viewers);
    }
    fn chat(&self, user: &str, text: &str) {
        FakeControl::chat(self, user, text);
    }
    fn sub(&self, user: &str, months: u32) {
        FakeControl::sub(self, user, months);
    }
    fn gift_subs(&self, gifter: &str, count: u32) {
        FakeControl::gift_subs(self, gifter, count);
    }
    fn tip(&self, user: &str, amount: u32, message: &str) {
        self.kicks(user, amount, message);
    }
    fn raid(&self, host: &str, viewers: u32) {
        FakeControl::raid(self, host, viewers);
    }
}

impl Stage for TwitchControl {
    fn set_live(&self, title: &str) {
        TwitchControl::set_live(self, title);
    }
    fn set_viewers(&self, viewers: u32) {
        TwitchControl::set_viewers(self, viewers);
    }
    fn chat(&self, user: &str, text: &str) {
        TwitchControl::chat(self, user, text);
    }
    fn sub(&self, user: &str, months: u32) {
        TwitchControl::sub(self, user, months);
    }
    fn gift_subs(&self, gifter: &str, count: u32) {
        TwitchControl::gift_subs(self, gifter, count);
    }
    fn tip(&self, user: &str, amount: u32, message: &str) {
        self.cheer(user, amount, message);
    }
    fn raid(&self, host: &str, viewers: u32) {
        TwitchControl::raid(self, host, viewers);
    }
}
