// kicktui dashboard: follows /ws/metrics and draws it. No build step, no library.
"use strict";

const $ = (id) => document.getElementById(id);
const KEEP = 900; // chart points (30 min at one every 2 s)
// The whole session's money, as many points as the server keeps of it.
const KEEP_REVENUE = 5000;
const series = { velocity: [], engagement: [], revenue: [] };
// Each revenue point's time (ms): the money chart is spaced by time, not by gift.
const revenueAt = [];
const moments = new Map(); // id (or a local key) -> row
// As many as the server's snapshot holds, so a reload shows the same list.
const MAX_MOMENTS = 100;
let received = 0;
let retryMs = 1000;

const token = new URLSearchParams(location.search).get("token");
const wsUrl = (location.protocol === "https:" ? "wss://" : "ws://") + location.host +
  "/ws/metrics" + (token ? "?token=" + encodeURIComponent(token) : "");

function text(id, v) { $(id).textContent = v; }
function money(v) { return "$" + Number(v).toFixed(2); }
// Seconds into the stream as `kicktui clip --start` takes them: 1:23:45.
function hms(s) {
  if (!(s >= 0)) return "–";
  const t = Math.floor(s), m = Math.floor(t / 60) % 60, sec = t % 60;
  return Math.floor(t / 3600) + ":" + String(m).padStart(2, "0") + ":" + String(sec).padStart(2, "0");
}
function clock(iso) {
  const d = new Date(iso);
  return isNaN(d) ? "" : d.toLocaleTimeString([], { hour12: false });
}

function push(name, v) {
  const s = series[name];
  s.push(v);
  if (s.length > (name === "revenue" ? KEEP_REVENUE : KEEP)) s.shift();
  redraw(name);
}

// Drawn once a frame at most: a busy session's snapshot brings thousands of money points,
// and drawing after each froze the page for seconds.
const dirty = new Set();
function redraw(name) {
  if (!dirty.size) requestAnimationFrame(() => { for (const n of dirty) draw(n); dirty.clear(); });
  dirty.add(name);
}

function pushRevenue(d) {
  const t = Date.parse(d.timestamp);
  revenueAt.push(isNaN(t) ? Date.now() : t);
  if (revenueAt.length > KEEP_REVENUE) revenueAt.shift();
  push("revenue", d.cumulative);
}

function clearRevenue() {
  series.revenue.length = 0;
  revenueAt.length = 0;
  draw("revenue");
}

// x of each point: by time for the money (a total that stays flat between gifts, drawn as
// steps), by tick for the rest.
function xs(name, n, w) {
  const at = revenueAt;
  if (name !== "revenue" || at.length !== n || at[n - 1] <= at[0]) {
    return [...Array(n).keys()].map((i) => (i / Math.max(n - 1, 1)) * w);
  }
  return at.map((t) => ((t - at[0]) / (at[n - 1] - at[0])) * w);
}

// A line over the points, scaled to the chart; the last value as a label.
function draw(name) {
  const svg = $("chart-" + name), pts = series[name];
  svg.dataset.points = pts.length;
  svg.dataset.last = pts.length ? pts[pts.length - 1] : "";
  if (!pts.length) { svg.innerHTML = ""; text("max-" + name, ""); return; }
  const max = Math.max(1, ...pts) * 1.1, w = 300, h = 90, px = xs(name, pts.length, w);
  const xy = pts.map((v, i) => [px[i], h - (v / max) * (h - 4)]);
  // The money total holds until the next gift: a step, not a slope.
  const steps = name === "revenue" ? xy.flatMap((p, i) => (i ? [[p[0], xy[i - 1][1]], p] : [p])) : xy;
  const line = steps.map(([x, y]) => x.toFixed(1) + "," + y.toFixed(1)).join(" ");
  const last = xy[xy.length - 1].map((v) => v.toFixed(1)).join(",");
  // The label sits in the caption: inside the stretched chart its letters stretched too.
  svg.innerHTML = '<polyline points="' + line + '"></polyline>' +
    '<polyline class="last" points="' + last + " " + last + '"></polyline>';
  text("max-" + name, "max " + (max / 1.1).toFixed(1));
}

function streamState(d) {
  const live = $("live");
  live.textContent = d.isLive ? "LIVE" : "OFFLINE";
  live.className = "pill " + (d.isLive ? "on" : "off");
  text("viewers", d.viewerCount);
  text("uptime", d.uptime);
  text("velocity", d.chatVelocity.toFixed(1));
  // 0 is "not scored" (offline, or the stream's first minute): no dip to 0 in the chart.
  const scored = d.isLive && d.engagementScore > 0;
  text("engagement", scored ? d.engagementScore.toFixed(1) : "-");
  if (d.currentActivity) text("activity", d.currentActivity);
  push("velocity", d.chatVelocity);
  if (scored) push("engagement", d.engagementScore);
}

// Kick's viewers gift Kicks, Twitch's bits: the tile says the channel's (`context` tells
// which, and the Kicks; `metrics_update` the bits).
const gifts = { platform: null, bits: 0, kicks: 0 };
function showGifts() {
  const kick = gifts.platform === "kick";
  text("gifts-label", kick ? "Subs · Kicks" : "Subs · Bits");
  text("gifts", kick ? gifts.kicks : gifts.bits);
}

function metrics(d) {
  text("revenue", money(d.revenueToday));
  text("subs", d.subsCount);
  gifts.bits = d.bitsToday;
  showGifts();
  text("dph", money(d.donationsPerHour));
}

// As the TUI's status bar says it: "● REC" while recording, else the state in its words.
function recording(d) {
  const pill = $("rec");
  pill.textContent = d.state === "recording" ? "● REC" : "rec: " + d.label;
  pill.className = "pill rec " + d.health;
  pill.dataset.state = d.state;
  const bits = [];
  if (d.part > 0) bits.push("part " + d.part);
  if (d.file) bits.push(d.file);
  if (d.sizeBytes > 0) bits.push(size(d.sizeBytes));
  if (d.mbPerMin > 0) bits.push(d.mbPerMin.toFixed(1) + " MB/min" + (d.slow ? " LOW" : ""));
  if (d.since) bits.push("since " + clock(d.since));
  text("rec-detail", bits.join(" · "));
}

// The TUI's sizes: 850 KB, 45.2 MB, 1.23 GB.
function size(n) {
  if (n >= 1e9) return (n / 1e9).toFixed(2) + " GB";
  if (n >= 1e6) return (n / 1e6).toFixed(1) + " MB";
  return (n / 1e3).toFixed(0) + " KB";
}

function donation(d) {
  const li = document.createElement("li");
  li.innerHTML = '<span class="amt"></span> <b></b> <span class="kind"></span> <small></small>';
  li.children[0].textContent = money(d.amount);
  li.children[1].textContent = d.username;
  li.children[2].textContent = d.type === "donation" ? "" : "(" + d.type.replace("_", " ") + ")";
  li.children[3].textContent = clock(d.timestamp);
  const feed = $("donations");
  feed.prepend(li);
  while (feed.children.length > 100) feed.lastChild.remove();
}

function moment(d) {
  // One moment builds at a time: a final one, or an unsaved one shown again as it grows,
  // replaces an unsaved building row, whose time and kind may have changed since.
  if (!d.building || d.id === null) {
    for (const [k, tr] of moments) {
      if (k.startsWith("local-") && tr.classList.contains("building")) {
        tr.remove();
        moments.delete(k);
      }
    }
  }
  const key = d.id === null ? "local-" + d.time + d.type : String(d.id);
  let tr = moments.get(key);
  if (!tr) {
    tr = document.createElement("tr");
    tr.innerHTML = "<td></td><td></td><td></td><td></td><td></td><td></td>";
    moments.set(key, tr);
    place(tr, d);
  }
  const c = tr.children;
  c[0].textContent = clock(d.time);
  c[1].textContent = hms(d.offset);
  c[1].className = "offset";
  // Building: its merge window is open; the same row turns final (kind and score may change).
  // The TUI's and the reports' name for it (`keyword burst`, not the stored `keyword`).
  const name = (d.headline || d.type.replace("_", " ")).toLowerCase();
  c[2].textContent = name + (d.building ? " (building)" : "");
  tr.className = d.building ? "building" : "";
  c[3].textContent = d.score.toFixed(1);
  // "none" is the protocol's word for "not asked for yet"; the page shows a dash for it, as the TUI does.
  const words = { none: "–", no_recording: "no rec" };
  const hints = {
    none: "not cut yet",
    no_recording: "no recording covers it",
    skipped: "skipped in the TUI: not cut at the stream's end",
  };
  c[4].textContent = words[d.clipStatus] || d.clipStatus;
  c[4].className = "clip-" + d.clipStatus;
  c[4].title = d.clipPath || hints[d.clipStatus] || "";
  c[5].textContent = d.summary;
}

// Newest first, by the moment's time: one heard of late (its clip cut at the end), or one the
// database did not keep (no id), goes where its time belongs; the oldest go past the cap.
function place(tr, d) {
  const body = $("moments").tBodies[0];
  const t = Date.parse(d.time) || 0;
  tr.dataset.t = t;
  if (d.id !== null) tr.dataset.id = d.id;
  const older = [...body.rows].find((r) => Number(r.dataset.t) < t);
  body.insertBefore(tr, older || null);
  while (body.rows.length > MAX_MOMENTS) {
    const last = body.lastElementChild;
    for (const [k, row] of moments) {
      if (row === last) moments.delete(k);
    }
    last.remove();
  }
}

// The stream's session as last told: a new stream's money starts from zero.
let session = null;

function context(d) {
  if (d.session != null) {
    if (session !== null && d.session !== session) {
      clearRevenue();
      $("donations").innerHTML = "";
    }
    session = d.session;
  }
  if (d.platform) gifts.platform = d.platform;
  gifts.kicks = d.kicksToday || 0;
  showGifts();
  // Two tabs (a Kick and a Twitch run) tell themselves apart by the channel.
  if (d.channel) {
    text("channel", d.channel);
    document.title = d.channel + " · kicktui";
  }
  text("activity", d.activity || "–");
  text("suggestion", d.suggestion || "–");
  text("context", d.line || "");
}

// The co-pilot's latest advice replaces the previous one; accepting it is a TUI key.
function advice(d) {
  $("advice").hidden = false;
  text("advice-time", clock(d.time));
  const ul = $("advice-calls");
  ul.innerHTML = "";
  for (const line of d.calls) {
    const li = document.createElement("li");
    li.textContent = line;
    ul.append(li);
  }
  text("advice-text", d.text || (d.calls.length ? "" : "nothing to suggest right now"));
}

// On connect (after the snapshot): the chart points the server kept, so a reload does not
// start the charts over.
function history(d) {
  series.velocity = d.chatVelocity.slice(-KEEP);
  series.engagement = d.engagementScore.filter((v) => v > 0).slice(-KEEP);
  document.body.dataset.history = series.velocity.length;
  draw("velocity");
  draw("engagement");
}

const handlers = {
  history: history,
  stream_state: streamState,
  metrics_update: metrics,
  recording: recording,
  revenue_point: pushRevenue,
  donation: donation,
  moment: moment,
  context: context,
  advice: advice,
};

function setConn(state) {
  const el = $("conn");
  el.textContent = state;
  el.className = "conn" + (state === "live data" ? "" : " down");
  document.body.dataset.conn = state;
}

// A new connection starts with a full snapshot: the lists start over.
function reset() {
  series.revenue.length = 0;
  revenueAt.length = 0;
  series.velocity.length = 0;
  series.engagement.length = 0;
  // Drawn empty now: a chart the snapshot sends nothing for kept the last run's line.
  for (const name of Object.keys(series)) draw(name);
  $("donations").innerHTML = "";
  $("moments").tBodies[0].innerHTML = "";
  moments.clear();
  session = null;
  // The next run may watch the other platform.
  gifts.platform = null;
  // The last run's advice is not this one's.
  $("advice").hidden = true;
}

// A socket refused before it opened: say so when it is the token (or another host), not just
// "reconnecting".
async function tokenRefused() {
  try {
    const r = await fetch("/api/state" + (token ? "?token=" + encodeURIComponent(token) : ""));
    if (r.status === 403) {
      // No token, and this page is not on a loopback address (a proxy, a tunnel, a LAN IP).
      setConn("refused: open the dashboard as http://localhost:… or 127.0.0.1, or set "
        + "[server] token and open it as /?token=…");
      return true;
    }
    if (r.status !== 401) return false;
  } catch (_) {
    return false;
  }
  setConn(token ? "wrong token: check [server] token in config.toml"
    : "this dashboard needs its token: open it as /?token=… ([server] token in config.toml)");
  return true;
}

function connect() {
  const ws = new WebSocket(wsUrl);
  let opened = false;
  ws.onopen = () => { opened = true; retryMs = 1000; reset(); setConn("live data"); };
  ws.onmessage = (e) => {
    let m;
    try { m = JSON.parse(e.data); } catch (_) { return; }
    const h = handlers[m.type];
    if (h) { h(m.data); received += 1; document.body.dataset.received = received; }
  };
  ws.onclose = async () => {
    // The numbers stay on screen, greyed: the last ones seen, not live.
    if (opened || !(await tokenRefused())) setConn("reconnecting…");
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10000);
  };
}

connect();
