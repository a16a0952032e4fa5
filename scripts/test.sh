#!/usr/bin/env bash
# The one test command: installs the media tools the tests use when missing, then runs
# formatting, lints and every test. Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null || ! command -v tmux >/dev/null; then
  echo "== installing ffmpeg and tmux (apt)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq ffmpeg tmux >/dev/null
fi
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  echo "== installing chromium (apt; the dashboard test drives it headless)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
fi
if ! command -v streamlink >/dev/null; then
  echo "== installing streamlink (pip)"
  python3 -m pip install -q streamlink==8.6.3 || pip install -q streamlink==8.6.3
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets --locked -- -D warnings
# cargo-nextest runs three tests at a time (.config/nextest.toml; most wait on ffmpeg,
# streamlink or a socket, not the CPU): about a third of the time of cargo test, which runs the
# binaries one after another. It does not run doc tests, so those run on their own.
if cargo nextest --version >/dev/null 2>&1; then
  echo "== cargo nextest run"
  cargo nextest run --locked --no-fail-fast
  echo "== cargo test --doc"
  cargo test --locked --doc
else
  echo "== cargo test"
  cargo test --locked
fi
