#!/usr/bin/env bash
# Gateway benchmark: one run measures, on loopback with wrk,
#   direct   — the mock upstream itself (nginx answering a fixed completion / SSE stream),
#   nginx    — nginx as a keep-alive reverse proxy in front of it (the practical limit),
#   switchboard — Switchboard's /v1/chat/completions in front of it,
# each non-streaming and streaming: requests/s, p50/p99, the server's CPU µs per request
# ((user+sys of its processes) / requests), and Switchboard's peak RSS; then the added p50 at
# one connection. Ratios are against nginx in the same run (this machine is noisy).
# Usage: tools/bench/gateway.sh [seconds per run, default 10]   (build first: tools/dev build release)
#   BENCH_PROFILE=1 also records Switchboard with `perf` during its runs and prints where the
#   time goes (perf report, by library and by symbol, self time); when BENCH_PROFILE names a
#   folder, the perf data files are kept there.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${1:-10}"
BIN="${SWITCHBOARD_BIN:-build-release/bin/switchboard}"
PLUGINS="${SWITCHBOARD_PLUGINS:-build-release/plugins}"
[ -x "$BIN" ] || BIN=build/bin/switchboard
[ -d "$PLUGINS" ] || PLUGINS=build/plugins
for tool in nginx wrk; do
  command -v "$tool" >/dev/null || { apt-get install -y -qq nginx wrk >/dev/null; break; }
done

WORK=$(mktemp -d)
trap 'kill $(cat "$WORK"/*.pid 2>/dev/null) 2>/dev/null || true; sleep 0.3; rm -rf "$WORK"' EXIT
UP=18901 PROXY=18902 SB=18903

COMPLETION='{"id":"chatcmpl-bench","object":"chat.completion","created":1,"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the benchmark upstream."},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":7,"total_tokens":16}}'
CHUNK='{"id":"c","object":"chat.completion.chunk","created":1,"model":"bench","choices":[{"index":0,"delta":{"content":"word "},"finish_reason":null}]}'
LAST='{"id":"c","object":"chat.completion.chunk","created":1,"model":"bench","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":5,"total_tokens":14}}'
SSE=""
for _ in 1 2 3 4 5; do SSE="${SSE}data: ${CHUNK}\n\n"; done
SSE="${SSE}data: ${LAST}\n\ndata: [DONE]\n\n"

# Two nginx processes, so the proxy's CPU is measured apart from the mock upstream's.
nginx_conf() {  # nginx_conf NAME SERVER_BLOCK
  cat > "$WORK/$1.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/$1.pidfile;
error_log $WORK/$1-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/$1-body; proxy_temp_path $WORK/$1-proxy;
  fastcgi_temp_path $WORK/$1-fcgi; uwsgi_temp_path $WORK/$1-uwsgi; scgi_temp_path $WORK/$1-scgi;
  keepalive_requests 1000000;
  $2
}
CONF
  nginx -c "$WORK/$1.conf" -p "$WORK" & echo $! > "$WORK/$1.pid"
}
nginx_conf mock "server {
    listen 127.0.0.1:$UP;
    location = /v1/chat/completions { default_type application/json; return 200 '$COMPLETION'; }
    location = /stream/v1/chat/completions { default_type text/event-stream; return 200 '$SSE'; }
  }"
nginx_conf proxy "upstream mock { server 127.0.0.1:$UP; keepalive 128; }
  server {
    listen 127.0.0.1:$PROXY;
    location / { proxy_pass http://mock; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_buffering off; }
  }"

cat > "$WORK/switchboard.yaml" <<CONF
server: {threads: 2}
logging: {level: warn}
plugins:
  - {name: openai, file: providers/openai.so}
middleware: []
providers:
  - {name: bench, plugin: openai, base_url: "http://127.0.0.1:$UP/v1", model: bench}
  - {name: bench-stream, plugin: openai, base_url: "http://127.0.0.1:$UP/stream/v1", model: bench}
default_provider: bench
resilience: {custom: {retry_attempts: 0}}
CONF
"$BIN" serve --config "$WORK/switchboard.yaml" --port $SB --data-dir "$WORK/data" --plugin-dir "$PLUGINS" 2>"$WORK/sb.log" &
echo $! > "$WORK/switchboard.pid"
sleep 1

cat > "$WORK/whole.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"bench/bench","messages":[{"role":"user","content":"hello"}]}'
LUA
cat > "$WORK/stream.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"bench-stream/bench","stream":true,"messages":[{"role":"user","content":"hello"}]}'
LUA

# CPU ticks (user+sys) of every process of a server: nginx counts its master and worker.
ticks() {
  local total=0 pid
  for pid in "$@"; do
    for p in $pid $(pgrep -P "$pid" 2>/dev/null); do
      [ -r /proc/$p/stat ] && total=$((total + $(awk '{print $14 + $15}' /proc/$p/stat)))
    done
  done
  echo $total
}
HZ=$(getconf CLK_TCK)

# run NAME PORT SCRIPT CONNECTIONS PIDS... → prints "rps p50_ms p99_ms cpu_us_per_request"
# Direct and nginx runs of the stream script ask the mock's SSE path; Switchboard picks it
# through the bench-stream instance.
run() {
  local name=$1 port=$2 script=$3 connections=$4; shift 4
  local before after out requests rps p50 p99 path=/v1/chat/completions threads=2
  [ "$script" = stream.lua ] && [ "$name" != switchboard ] && path=/stream/v1/chat/completions
  [ "$connections" -lt 2 ] && threads=1
  before=$(ticks "$@")
  local perf_pid=""
  if [ -n "${BENCH_PROFILE:-}" ] && [ "$name" = switchboard ] && [ "$connections" -gt 1 ]; then
    perf record -F 999 -g -o "$WORK/perf-${script%.lua}.data" -p "$1" -- sleep "$DURATION" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  out=$(wrk -t$threads -c"$connections" -d"${DURATION}s" --latency -s "$WORK/$script" "http://127.0.0.1:$port$path")
  after=$(ticks "$@")
  [ -n "$perf_pid" ] && wait "$perf_pid" || true
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  if echo "$out" | grep -q "Non-2xx"; then echo "bench: $name answered errors: $(echo "$out" | grep Non-2xx)" >&2; fi
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  local cpu_us=$(( (after - before) * 1000000 / HZ / (requests > 0 ? requests : 1) ))
  echo "$name $rps $p50 $p99 $cpu_us"
}

MOCK_PID=$(cat "$WORK/mock.pid")
PROXY_PID=$(cat "$WORK/proxy.pid")
SB_PID=$(cat "$WORK/switchboard.pid")
echo "| path | mode | req/s | p50 | p99 | server CPU µs/req |"
echo "| --- | --- | ---: | ---: | ---: | ---: |"
declare -A RPS CPU
for mode in whole stream; do
  for target in direct:$UP:$MOCK_PID nginx:$PROXY:$PROXY_PID switchboard:$SB:$SB_PID; do
    IFS=: read -r name port pid <<<"$target"
    read -r _ rps p50 p99 cpu < <(run "$name" "$port" "$mode.lua" 64 "$pid")
    RPS[$name-$mode]=$rps; CPU[$name-$mode]=$cpu
    echo "| $name | $mode | $rps | $p50 | $p99 | $cpu |"
  done
done
echo
for mode in whole stream; do
  awk -v s="${RPS[switchboard-$mode]}" -v n="${RPS[nginx-$mode]}" -v cs="${CPU[switchboard-$mode]}" -v cn="${CPU[nginx-$mode]}" -v m="$mode" \
    'BEGIN { printf "%s: switchboard/nginx req/s = %.2f (target >= 0.8), CPU µs/req = %.2f (target <= 1.5)\n", m, s/n, (cn > 0 ? cs/cn : 0) }'
done
# wrk prints latencies as 52.10us, 1.20ms or 1.02s: in microseconds.
micros() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else print n * 1000000 }'; }
read -r _ _ direct_p50 _ _ < <(run direct $UP whole.lua 1 "$MOCK_PID")
read -r _ _ sb_p50 _ _ < <(run switchboard $SB whole.lua 1 "$SB_PID")
added=$(awk -v a="$(micros "$sb_p50")" -v b="$(micros "$direct_p50")" 'BEGIN { printf "%.0f", a - b }')
echo "one connection: p50 direct $direct_p50, through switchboard $sb_p50, added ${added}us (target <= 100us)"
echo "switchboard peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$SB_PID/status) (target <= 40 MB)"
if [ -n "${BENCH_PROFILE:-}" ]; then
  for mode in whole stream; do
    echo; echo "profile ($mode), top symbols by self time:"
    perf report -i "$WORK/perf-$mode.data" --no-children --sort dso --stdio -g none 2>/dev/null |
      grep -E '^ +[0-9]' | head -8 || true
    perf report -i "$WORK/perf-$mode.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null |
      grep -E '^ +[0-9]' | cut -c1-160 | head -40 || true
    [ -d "$BENCH_PROFILE" ] && cp "$WORK/perf-$mode.data" "$BENCH_PROFILE/"
  done
fi
