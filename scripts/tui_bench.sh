#!/usr/bin/env bash
# Idle cost of the TUI: runs `kicktui tui-preview` (the TUI fed by the pure core at real-time
# pace) in a 120x40 tmux pane on a generated chat log, and reports the process's CPU use
# (utime+stime from /proc) over a measuring window, as % of one core.
# Usage: scripts/tui_bench.sh [RATE_MSG_PER_S ...]   (default: 1 500; window: $SECONDS_MEASURED or 60)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then RATES=("$@"); else RATES=(1 500); fi
WINDOW=${SECONDS_MEASURED:-60}
WARMUP=10
cargo build --release --quiet
# Where cargo put it: $CARGO_TARGET_DIR when set (else a stale ./target binary was measured).
BIN=$(cd "${CARGO_TARGET_DIR:-target}" && pwd)/release/kicktui
WORK=$(mktemp -d)
SOCK="kicktui-bench-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true; rm -rf "$WORK"' EXIT
TICK=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

for rate in "${RATES[@]}"; do
  log="$WORK/chat-$rate.jsonl"
  # Enough chat for warm-up + window + slack, with keywords and emotes mixed in.
  python3 - "$rate" $((WARMUP + WINDOW + 30)) > "$log" <<'PY'
import json, random, sys
rate, secs = float(sys.argv[1]), int(sys.argv[2])
rng = random.Random(7)
words = ["gg", "lol", "CLIP", "NO WAY", "hello", "what", "LMAO", "nice one", "[emote:37226:KEKW]", "[emote:1:W]"]
t0, n = 1_800_000_000.0, int(rate * secs)
for i in range(n):
    t = t0 + i / rate
    text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 4)))
    print(json.dumps({"ts": round(t, 3), "user": f"user{rng.randint(1, 3000)}", "text": text}))
PY
  printf '' > "$WORK/config.toml"
  tmux -L "$SOCK" new-session -d -s b -x 120 -y 40 \
    "'$BIN' tui-preview --config '$WORK/config.toml' --data-dir '$WORK' '$log'; sleep 5"
  sleep 1
  shell=$(tmux -L "$SOCK" display-message -p -t b '#{pane_pid}')
  pid=$(awk '{print $1}' "/proc/$shell/task/$shell/children")
  sleep "$WARMUP"
  a=$(cpu_ticks "$pid")
  sleep "$WINDOW"
  b=$(cpu_ticks "$pid")
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  pct=$(awk -v d=$((b - a)) -v t="$TICK" -v w="$WINDOW" 'BEGIN { printf "%.2f", 100 * d / t / w }')
  echo "chat ${rate} msg/s: ${pct} % of one core over ${WINDOW} s ($((b - a)) ticks at ${TICK}/s), RSS $((rss / 1024)) MB"
  tmux -L "$SOCK" send-keys -t b q
  sleep 1
  tmux -L "$SOCK" kill-server 2>/dev/null || true
done
