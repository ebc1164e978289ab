#!/usr/bin/env bash
# Gateway benchmark: one run measures, on loopback with wrk,
#   direct   — the mock upstream itself (nginx answering a fixed completion / SSE stream),
#   nginx    — nginx as a keep-alive reverse proxy in front of it (the practical limit),
#   switchboard — Switchboard's /v1/chat/completions in front of it,
#   portkey  — the Portkey gateway (npm @portkey-ai/gateway, one Node.js process) in front of it,
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
source tools/bench/gateway_setup.sh

echo "| path | mode | req/s | p50 | p99 | server CPU µs/req |"
echo "| --- | --- | ---: | ---: | ---: | ---: |"
declare -A RPS CPU
for mode in whole stream; do
  targets="direct:$UP:$MOCK_PID nginx:$PROXY:$PROXY_PID switchboard:$SB:$SB_PID"
  if [ -n "$PORTKEY" ] && { [ $mode = whole ] || [ -n "$PORTKEY_STREAMS" ]; }; then
    targets="$targets portkey:$PORTKEY:$PORTKEY_PID"
  fi
  for target in $targets; do
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
  [ -n "${RPS[portkey-$mode]:-}" ] && awk -v s="${RPS[switchboard-$mode]}" -v p="${RPS[portkey-$mode]}" -v cs="${CPU[switchboard-$mode]}" -v cp="${CPU[portkey-$mode]}" -v m="$mode" \
    'BEGIN { printf "%s: switchboard/portkey req/s = %.2f, CPU µs/req = %.2f\n", m, s/p, (cp > 0 ? cs/cp : 0) }'
done
if [ -z "$PORTKEY" ]; then
  echo "(Portkey could not be installed from npm: its rows are missing)"
elif [ -z "$PORTKEY_STREAMS" ]; then
  echo "(Portkey $PORTKEY_VERSION answers streamed requests 500 on Node.js $(node --version): no stream row)"
fi
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
