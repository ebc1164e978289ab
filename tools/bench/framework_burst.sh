#!/usr/bin/env bash
# Framework path under a burst: N story requests (default 2 000) at once, each on its own
# connection, against an upstream that takes 2 s to answer (slow_upstream.py). Framework tasks
# run on a bounded worker pool (server.workers, server.worker_queue): what does not fit is
# answered 503 with Retry-After at once, and threads and memory stay bounded. Measured with the
# default pool (16 workers, 256 waiting) and with one sized for the burst; the baseline is the
# same burst sent straight to the upstream. Each row: answered 200, other statuses, wall time,
# p50/p99 of the 200s, and Switchboard's peak threads and RSS (sampled every 50 ms).
# Usage: tools/bench/framework_burst.sh [requests, default 2000]   (build first: tools/dev build release)
set -euo pipefail
cd "$(dirname "$0")/../.."
REQUESTS="${1:-2000}"
BIN="${SWITCHBOARD_BIN:-build-release/bin/switchboard}"
PLUGINS="${SWITCHBOARD_PLUGINS:-build-release/plugins}"
[ -x "$BIN" ] || BIN=build/bin/switchboard
[ -d "$PLUGINS" ] || PLUGINS=build/plugins
WORK=$(mktemp -d)
trap 'kill $(cat "$WORK"/*.pid 2>/dev/null) 2>/dev/null || true; sleep 0.3; rm -rf "$WORK"' EXIT
UP=18921 SB=18922
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

python3 tools/bench/slow_upstream.py --port $UP --delay 2 & echo $! > "$WORK/upstream.pid"
sleep 0.5
STORY='{"primary_character": "Ada {n}", "secondary_character": "Brunel"}'  # no two alike: no cache hits

burst() {  # burst URL BODY [PID] → one result line of load_client.py
  python3 tools/bench/load_client.py burst "$1" --concurrency "$REQUESTS" --body "$2" --pid "${3:-0}"
}

# row NAME RESULT_LINE
row() {
  local name=$1 line=$2 field
  declare -A f
  for field in $line; do f[${field%%=*}]=${field#*=}; done
  echo "| $name | ${f[ok]} | ${f[statuses]} | ${f[wall_s]} s | ${f[p50_s]} s | ${f[p99_s]} s | ${f[threads_peak]} | ${f[rss_peak_mb]} MB | $3 |"
}

echo "| path | 200s | statuses | wall | p50 | p99 | peak threads | peak RSS | threads after / RSS after |"
echo "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |"
row "upstream directly (baseline)" "$(burst "http://127.0.0.1:$UP/v1/chat/completions" '{"model":"bench"}')" "—"

for pool in "16 256" "$REQUESTS $REQUESTS"; do
  read -r workers queue <<<"$pool"
  cat > "$WORK/switchboard.yaml" <<CONF
server: {threads: 2, workers: $workers, worker_queue: $queue}
logging: {level: warn}
plugins:
  - {name: openai, file: providers/openai.so}
  - {name: free, file: cost/free.so}
  - {name: kernel, file: frameworks/kernel.so}
middleware: []
providers:
  - {name: slow, plugin: openai, base_url: "http://127.0.0.1:$UP/v1", model: bench}
default_provider: slow
resilience: {custom: {retry_attempts: 0}}
CONF
  "$BIN" serve --config "$WORK/switchboard.yaml" --port $SB --data-dir "$WORK/data-$workers" --plugin-dir "$PLUGINS" \
    2>"$WORK/sb-$workers.log" &
  pid=$!
  echo $pid > "$WORK/switchboard.pid"
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$SB/health" && break; sleep 0.1; done
  idle="idle: $(awk '/^Threads/ {t=$2} /^VmRSS/ {r=$2} END {printf "%d threads, %.1f MB", t, r/1024}' /proc/$pid/status)"
  result=$(burst "http://127.0.0.1:$SB/api/semantic-kernel" "$STORY" $pid)
  sleep 1
  after=$(awk '/^Threads/ {t=$2} /^VmRSS/ {r=$2} END {printf "%d / %.1f MB", t, r/1024}' /proc/$pid/status)
  row "switchboard, $workers workers, $queue waiting ($idle)" "$result" "$after"
  kill $pid; wait $pid 2>/dev/null || true
done
