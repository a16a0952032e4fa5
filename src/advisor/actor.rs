//! The advisor actor: asks on an interval and on request, within the hourly budget, backs off
//! after failures (one log line each), validates the answer, stores the call and sends
//! [`Advice`] to the front end. It only reads the engine's view, so it never holds it up.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{Mutex, mpsc, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::api::{Advice, AdvisorCmd, AdvisorHandle, AdvisorSetup, AdvisorStatus};
use super::budget::{Backoff, Budget};
use super::follow::FollowTracker;
use super::input::{self, Choice};
use super::provider::{CallError, LlmClient, RawReply};
use super::recent_chat::RecentChat;
use super::tools::{self, ToolCall};
use crate::domain::Ts;
use crate::engine::view::View;
use crate::store::StoreHandle;
use crate::supervise::{Restart, spawn_supervised};
use crate::time::wall_now;

/// How often the actor looks at the view for activity changes.
const OBSERVE_EVERY: Duration = Duration::from_secs(5);
const KEEP_CHOICES: usize = 20;
const BACKOFF_FIRST: Duration = Duration::from_secs(30);
const BACKOFF_MAX: Duration = Duration::from_secs(1800);
/// Tool calls taken from one reply (the tools need one or two; the rest are counted as
/// rejected and logged once, not one line each).
const MAX_CALLS: usize = 8;

/// Starts the actor (supervised: a panic restarts it with its budget intact). `view` is the
/// engine's latest view (`Feed::view()`); advice goes to `out` (never waited on: a full
/// channel drops it).
pub fn spawn(
    setup: AdvisorSetup,
    view: watch::Receiver<View>,
    store: Option<StoreHandle>,
    out: mpsc::Sender<Advice>,
    cancel: CancellationToken,
) -> Result<AdvisorHandle, String> {
    let client = LlmClient::new(&setup.cfg, setup.key.clone())?;
    let (cmd_tx, cmd_rx) = mpsc::channel(16);
    let mut budget = Budget::new(setup.cfg.max_calls_per_hour);
    let interval = Duration::from_secs(setup.cfg.interval_seconds.into());
    let now = Instant::now();
    let wall = wall_now();
    let ages = setup
        .earlier_calls
        .iter()
        .map(|t| Duration::from_millis(u64::try_from(wall.0.saturating_sub(t.0)).unwrap_or(0)));
    budget.count_earlier(now, ages);
    let recent_chat = setup.store_chat_text.then(RecentChat::default);
    let (status_tx, status_rx) = watch::channel(AdvisorStatus {
        budget: budget.status(now),
        ..AdvisorStatus::default()
    });
    let actor = Actor {
        client,
        interval,
        chat_voice: setup.chat_voice,
        recent_chat: recent_chat.clone(),
        view,
        store,
        out,
        rx: cmd_rx,
        cmds_closed: false,
        status: status_tx,
        budget,
        backoff: Backoff::new(BACKOFF_FIRST, BACKOFF_MAX),
        follow: FollowTracker::new(interval, interval.min(Duration::from_secs(300))),
        choices: VecDeque::new(),
        last_activity: None,
        next_due: now + interval,
        budget_logged: false,
    };
    let actor = Arc::new(Mutex::new(actor));
    let c = cancel.clone();
    spawn_supervised(
        "advisor",
        cancel,
        Restart::default(),
        move || {
            let actor = actor.clone();
            let cancel = c.clone();
            async move { actor.lock().await.run(&cancel).await }
        },
        |_, _| {},
    );
    Ok(AdvisorHandle {
        cmd: cmd_tx,
        status: status_rx,
        recent_chat,
    })
}

pub(super) struct Actor {
    pub(super) client: LlmClient,
    pub(super) interval: Duration,
    pub(super) chat_voice: bool,
    /// Only with `store_chat_text` on.
    pub(super) recent_chat: Option<RecentChat>,
    pub(super) view: watch::Receiver<View>,
    pub(super) store: Option<StoreHandle>,
    pub(super) out: mpsc::Sender<Advice>,
    pub(super) rx: mpsc::Receiver<AdvisorCmd>,
    pub(super) cmds_closed: bool,
    pub(super) status: watch::Sender<AdvisorStatus>,
    pub(super) budget: Budget,
    pub(super) backoff: Backoff,
    pub(super) follow: FollowTracker,
    pub(super) choices: VecDeque<Choice>,
    pub(super) last_activity: Option<String>,
    pub(super) next_due: Instant,
    pub(super) budget_logged: bool,
}

impl Actor {
    async fn run(&mut self, cancel: &CancellationToken) {
        let mut observe = tokio::time::interval(OBSERVE_EVERY);
        observe.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                () = cancel.cancelled() => return,
                () = tokio::time::sleep_until(self.next_due) => self.ask_once(false, cancel).await,
                c = self.rx.recv(), if !self.cmds_closed => match c {
                    Some(AdvisorCmd::AskNow) => self.ask_once(true, cancel).await,
                    Some(c) => self.on_cmd(c).await,
                    None => self.cmds_closed = true,
                },
                _ = observe.tick() => self.observe().await,
            }
        }
    }

    /// Asks; "ask now" presses that came while the call ran are answered by it (one call,
    /// not one per press: three presses during a slow call spent three of the hour's calls).
    async fn ask_once(&mut self, asked: bool, cancel: &CancellationToken) {
        self.ask(asked, cancel).await;
        let mut later = Vec::new();
        while let Ok(c) = self.rx.try_recv() {
            if !matches!(c, AdvisorCmd::AskNow) {
                later.push(c);
            }
        }
        for c in later {
            self.on_cmd(c).await;
        }
    }

    /// Every command but "ask now".
    async fn on_cmd(&mut self, c: AdvisorCmd) {
        match c {
            AdvisorCmd::AskNow => {}
            AdvisorCmd::Dismiss => {
                let (activity, engagement) = self.activity();
                let out = self
                    .follow
                    .dismiss(activity.as_deref(), engagement, wall_now());
                self.record_outcomes(out).await;
            }
            AdvisorCmd::ChatVoice(on) => self.chat_voice = on,
        }
    }

    fn activity(&self) -> (Option<String>, Option<f64>) {
        let v = self.view.borrow();
        let e = &v.snapshot.engage;
        (e.activity.clone(), e.engagement)
    }

    async fn observe(&mut self) {
        let (activity, engagement) = self.activity();
        let now = wall_now();
        if activity.is_some() && activity != self.last_activity {
            if let Some(a) = &activity {
                if self.choices.len() >= KEEP_CHOICES {
                    self.choices.pop_front();
                }
                self.choices.push_back(Choice {
                    at: now,
                    activity: a.clone(),
                });
            }
            self.last_activity = activity.clone();
        }
        let out = self.follow.observe(activity.as_deref(), engagement, now);
        self.record_outcomes(out).await;
    }

    fn publish(&mut self, note: Option<String>, f: impl FnOnce(&mut AdvisorStatus)) {
        let budget = self.budget.status(Instant::now());
        self.status.send_modify(|s| {
            s.budget = budget;
            s.note = note;
            f(s);
        });
    }

    async fn ask(&mut self, asked: bool, cancel: &CancellationToken) {
        let now = Instant::now();
        self.next_due = now + self.interval;
        if !asked && !self.view.borrow().snapshot.live {
            // No stream, nothing to advise on: the interval's calls wait for it (a press
            // still asks).
            self.publish(Some(super::WAITING_FOR_LIVE.into()), |_| {});
            return;
        }
        if let Some(until) = self.backoff.until().filter(|_| !self.backoff.ready(now)) {
            // The call is owed, not skipped: it is made when the wait is over.
            self.next_due = until;
            // Rounded up: "waiting 0 s" reads as no wait at all.
            let left = until
                .saturating_duration_since(now)
                .as_secs_f64()
                .ceil()
                .max(1.0);
            self.publish(Some(format!("asking in {left} s (a call failed)")), |s| {
                s.refused += u64::from(asked)
            });
            return;
        }
        if !self.budget.try_take(now) {
            let mins = self
                .budget
                .next_free(now)
                .saturating_duration_since(now)
                .as_secs()
                / 60;
            if !self.budget_logged {
                tracing::info!("{}: next call in {mins} min", self.budget.status(now));
                self.budget_logged = true;
            }
            self.publish(Some(super::NO_CALLS_LEFT.into()), |s| {
                s.refused += u64::from(asked)
            });
            return;
        }
        self.budget_logged = false;
        let view = self.view.borrow().clone();
        let at = wall_now();
        let lines = self
            .recent_chat
            .as_ref()
            .map(RecentChat::lines)
            .unwrap_or_default();
        let choices: Vec<Choice> = self.choices.iter().cloned().collect();
        let (prompt, input) = input::build(&view, &choices, &lines, self.chat_voice, at);
        self.publish(Some("asking…".into()), |s| s.calls += 1);
        let res = tokio::select! {
            r = self.client.call(&prompt) => r,
            () = cancel.cancelled() => return,
        };
        match res {
            Err(e) => self.failed(e, &view, input, at).await,
            Ok(reply) => {
                self.backoff.succeeded();
                self.next_due = due_after_answer(self.next_due, Instant::now(), self.interval);
                // Its time is when it came: a suggestion is offered (and followed or not)
                // from then, not from when a slow model was asked.
                let at = wall_now();
                let advice = self.answered(reply, &view, input, at).await;
                let local = at.to_datetime().with_timezone(&chrono::Local);
                let note = format!("{} {}", super::ADVICE_AT, local.format("%H:%M:%S"));
                self.publish(Some(note), |_| {});
                if self.out.try_send(advice).is_err() {
                    tracing::debug!("advisor: the front end is not taking advice; dropped");
                }
            }
        }
    }

    async fn failed(&mut self, e: CallError, view: &View, input: Value, at: Ts) {
        let ra = match &e {
            CallError::RateLimited { retry_after } => *retry_after,
            _ => None,
        };
        let now = Instant::now();
        let wait = self.backoff.failed(now, ra);
        // Tried again once the wait is over, as the note says, not a whole interval later.
        self.next_due = now + wait;
        tracing::warn!("advisor call failed: {e}; next try in {} s", wait.as_secs());
        let row = self.row(view, input, at, e.outcome(), &[], 0, None);
        self.store_row(row).await;
        self.publish(
            Some(format!("waiting {} s after: {e}", wait.as_secs())),
            |s| s.failures += 1,
        );
    }

    async fn answered(&mut self, reply: RawReply, view: &View, input: Value, at: Ts) -> Advice {
        let arms: Vec<String> = view
            .snapshot
            .engage
            .arms
            .iter()
            .map(|a| a.name.clone())
            .collect();
        let mut calls = Vec::new();
        let mut rejected = 0;
        let offered = reply.calls.len();
        if offered > MAX_CALLS {
            rejected += u32::try_from(offered - MAX_CALLS).unwrap_or(u32::MAX);
            tracing::warn!(
                "advisor: the reply had {offered} tool calls; ignored all but the first \
                 {MAX_CALLS}"
            );
        }
        // The activity now: the streamer may have switched while the model was answering.
        let current = self.view.borrow().snapshot.engage.activity.clone();
        for raw in reply.calls.into_iter().take(MAX_CALLS) {
            let name: String = crate::terminal_text::clean(&raw.name)
                .chars()
                .take(40)
                .collect();
            let res = tools::validate(&raw.name, &raw.input, &arms, self.chat_voice);
            match res {
                // Not a change: nothing to follow, so not offered nor counted as a suggestion.
                Ok(ToolCall::SuggestActivity { arm, .. }) if Some(&arm) == current.as_ref() => {
                    rejected += 1;
                    tracing::info!(
                        "advisor: ignored a suggestion of the activity already on ({arm})"
                    );
                }
                Ok(ToolCall::SuggestActivity { .. })
                    if calls
                        .iter()
                        .any(|c| matches!(c, ToolCall::SuggestActivity { .. })) =>
                {
                    rejected += 1;
                    tracing::warn!("advisor: ignored a second suggest_activity call");
                }
                Ok(call) => calls.push(call),
                Err(why) => {
                    rejected += 1;
                    tracing::warn!("advisor: ignored a `{name}` call: {why}");
                }
            }
        }
        let text = reply.text.as_deref().and_then(tools::free_text);
        let row = self.row(view, input, at, "ok", &calls, rejected, text.clone());
        let id = self.store_row(row).await;
        let advice = Advice {
            id,
            at,
            calls,
            text,
            rejected,
        };
        if let (Some(id), Some((arm, _))) = (id, advice.suggestion()) {
            // The activity now, not when the call began: the streamer may have switched
            // (following the last suggestion) while the model was answering.
            let activity = self.view.borrow().snapshot.engage.activity.clone();
            let out = self.follow.suggest(id, arm, activity.as_deref(), at);
            self.record_outcomes(out).await;
        }
        advice
    }
}

/// When the next periodic call is due after an answer: an interval after the call began, but
/// at least half an interval after the answer (a local model slower than the interval was
/// asked again the moment it answered, spending the budget back to back).
pub(super) fn due_after_answer(due: Instant, answered: Instant, interval: Duration) -> Instant {
    due.max(answered + interval / 2)
}
