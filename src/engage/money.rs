//! What money events are worth in dollars (subs at the configured price, Kicks, bits,
//! donations) and the session's totals. Pure.

use crate::detect::events::{USD_PER_BIT, USD_PER_KICK};
use crate::domain::Event;

/// A money event in dollars: `kind` is `sub`, `gifted_subs`, `kicks`, `bits` or `donation`.
#[derive(Clone, Debug, PartialEq)]
pub struct Money {
    pub kind: &'static str,
    pub username: String,
    pub usd: f64,
    /// Subs in it (gifted subs count each).
    pub subs: u64,
    pub kicks: u64,
    pub bits: u64,
}

/// What a money event is worth, or `None` for events that are not money.
pub fn money_of(ev: &Event, sub_price_usd: f64) -> Option<Money> {
    let m = |kind, username: &String, usd| Money {
        kind,
        username: username.clone(),
        usd,
        subs: 0,
        kicks: 0,
        bits: 0,
    };
    Some(match ev {
        Event::Subscription { username, .. } => Money {
            subs: 1,
            ..m("sub", username, sub_price_usd)
        },
        Event::GiftedSubs { gifter, count } => Money {
            subs: u64::from(*count),
            ..m("gifted_subs", gifter, f64::from(*count) * sub_price_usd)
        },
        Event::Kicks { sender, amount, .. } => Money {
            kicks: u64::from(*amount),
            ..m("kicks", sender, f64::from(*amount) * USD_PER_KICK)
        },
        Event::Bits { username, amount } => Money {
            bits: u64::from(*amount),
            ..m("bits", username, f64::from(*amount) * USD_PER_BIT)
        },
        Event::Donation {
            username,
            amount_usd,
            ..
        } => m("donation", username, amount_usd.max(0.0)),
        _ => return None,
    })
}

/// Money this session.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MoneyTotals {
    pub revenue_usd: f64,
    pub subs: u64,
    pub kicks: u64,
    pub bits: u64,
    pub donations_usd: f64,
    pub events: u64,
}

impl MoneyTotals {
    /// Counts money received.
    pub fn count(&mut self, m: &Money) {
        self.revenue_usd += m.usd;
        self.subs += m.subs;
        self.kicks += m.kicks;
        self.bits += m.bits;
        self.events += 1;
        if m.kind == "donation" {
            self.donations_usd += m.usd;
        }
    }

    pub fn add(&mut self, o: &MoneyTotals) {
        self.revenue_usd += o.revenue_usd;
        self.subs += o.subs;
        self.kicks += o.kicks;
        self.bits += o.bits;
        self.donations_usd += o.donations_usd;
        self.events += o.events;
    }
}
