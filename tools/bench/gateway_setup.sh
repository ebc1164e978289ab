# Sourced by the gateway benchmarks (gateway.sh, latency_load.sh, streaming.sh): starts, on
# loopback, an nginx mock upstream (a fixed chat completion, and a fixed SSE stream under
# /stream), a slow streaming upstream (slow_upstream.py: 20 events 20 ms apart), nginx as a
# keep-alive reverse proxy in front of both (the slow one under /slow), Switchboard's gateway
# in front of them (release build when there is one), and the Portkey gateway (npm
# @portkey-ai/gateway, installed into build-bench/portkey) unless it cannot be installed
# (PORTKEY is then empty); defines `run` (one wrk run: rps, p50, p99, server CPU µs/request),
# `micros` (a wrk latency in µs) and the PIDs. Everything stops when the sourcing script exits.
# Expects DURATION (seconds per run) and the repository root as the working folder.
BIN="${SWITCHBOARD_BIN:-build-release/bin/switchboard}"
PLUGINS="${SWITCHBOARD_PLUGINS:-build-release/plugins}"
[ -x "$BIN" ] || BIN=build/bin/switchboard
[ -d "$PLUGINS" ] || PLUGINS=build/plugins
for tool in nginx wrk; do
  command -v "$tool" >/dev/null || { apt-get install -y -qq nginx wrk >/dev/null; break; }
done

WORK=$(mktemp -d)
trap 'kill $(cat "$WORK"/*.pid 2>/dev/null) 2>/dev/null || true; sleep 0.3; rm -rf "$WORK"' EXIT
UP=18901 PROXY=18902 SB=18903 SLOW=18904 PORTKEY=18905
PORTKEY_VERSION=1.15.2

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
python3 tools/bench/slow_upstream.py --port $SLOW --chunks 20 --gap-ms 20 & echo $! > "$WORK/slow.pid"
nginx_conf proxy "upstream mock { server 127.0.0.1:$UP; keepalive 128; }
  upstream slow { server 127.0.0.1:$SLOW; keepalive 16; }
  server {
    listen 127.0.0.1:$PROXY;
    location / { proxy_pass http://mock; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_buffering off; }
    location /slow/ { proxy_pass http://slow/; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_buffering off; }
  }"

# Portkey, as its README starts it (one Node.js process); requests name the upstream in headers.
if [ ! -f build-bench/portkey/node_modules/@portkey-ai/gateway/build/start-server.js ]; then
  mkdir -p build-bench/portkey
  npm install --prefix build-bench/portkey --no-audit --no-fund --loglevel=error \
    "@portkey-ai/gateway@$PORTKEY_VERSION" >/dev/null 2>&1 || echo "bench: could not install Portkey" >&2
fi
if [ -f build-bench/portkey/node_modules/@portkey-ai/gateway/build/start-server.js ]; then
  NODE_ENV=production node build-bench/portkey/node_modules/@portkey-ai/gateway/build/start-server.js \
    --port=$PORTKEY --headless >"$WORK/portkey.log" 2>&1 &
  echo $! > "$WORK/portkey.pid"
else
  PORTKEY=""
fi

cat > "$WORK/switchboard.yaml" <<CONF
server: {threads: 2}
logging: {level: warn}
plugins:
  - {name: openai, file: providers/openai.so}
middleware: []
providers:
  - {name: bench, plugin: openai, base_url: "http://127.0.0.1:$UP/v1", model: bench}
  - {name: bench-stream, plugin: openai, base_url: "http://127.0.0.1:$UP/stream/v1", model: bench}
  - {name: slow, plugin: openai, base_url: "http://127.0.0.1:$SLOW/v1", model: bench}
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
# Portkey's forms of the two: the upstream named in its headers.
for mode in whole stream; do
  path=/v1; [ $mode = stream ] && path=/stream/v1
  { cat "$WORK/$mode.lua"
    echo 'wrk.headers["x-portkey-provider"] = "openai"'
    echo 'wrk.headers["Authorization"] = "Bearer bench"'
    echo "wrk.headers[\"x-portkey-custom-host\"] = \"http://127.0.0.1:$UP$path\""
  } > "$WORK/portkey-$mode.lua"
done

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
  [ "$script" = stream.lua ] && [ "$name" != switchboard ] && [ "$name" != portkey ] && path=/stream/v1/chat/completions
  [ "$name" = portkey ] && script="portkey-$script"
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
PORTKEY_PID=$(cat "$WORK/portkey.pid" 2>/dev/null || true)
for _ in $(seq 50); do  # Portkey takes a few seconds to start
  [ -z "$PORTKEY" ] || curl -s -o /dev/null "http://127.0.0.1:$PORTKEY/" && break
  sleep 0.2
done
# Whether Portkey streams here: 1.15.2 on Node.js 20 answers every streamed request through a
# custom host 500 ("TypeError: immutable", appending to a fetch response's headers).
PORTKEY_STREAMS=""
if [ -n "$PORTKEY" ] && curl -sf -o /dev/null -m 5 "http://127.0.0.1:$PORTKEY/v1/chat/completions" \
    -H 'Content-Type: application/json' -H 'x-portkey-provider: openai' -H 'Authorization: Bearer bench' \
    -H "x-portkey-custom-host: http://127.0.0.1:$UP/stream/v1" -d '{"model":"bench","stream":true,"messages":[]}'; then
  PORTKEY_STREAMS=1
fi
# wrk prints latencies as 52.10us, 1.20ms or 1.02s: in microseconds.
micros() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else print n * 1000000 }'; }
