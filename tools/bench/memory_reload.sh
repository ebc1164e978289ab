#!/usr/bin/env bash
# Memory and hot reload under load, over the nginx mock upstream (gateway_setup.sh):
#   memory — Switchboard's RSS idle, during a 64-connection load, and 2 s after it; then its
#            growth over 1 000 000 gateway requests, read at 100 000, 250 000, 500 000,
#            750 000 and 1 000 000 (a leak shows as growth that keeps its pace; a heap that
#            settles, as growth that slows);
#   reload — req/s and failed requests at 32 connections for a run while the provider plugin
#            is reloaded every second through the admin API, against a run without reloads
#            (the baseline, in the same process).
# Writes memory_reload.md in the output folder (default build-bench/).
# Usage: tools/bench/memory_reload.sh [seconds per run, default 10] [output folder]
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${1:-10}"
OUT="${2:-build-bench}"
source tools/bench/gateway_setup.sh
mkdir -p "$OUT"

rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$SB_PID/status"; }
anon_mb() { awk '/RssAnon/ { printf "%.1f", $2 / 1024 }' "/proc/$SB_PID/status"; }  # heap and stacks, no files
TOKEN=$(cat "$WORK/data/admin.token")

idle=$(rss_mb)
wrk -t2 -c64 -d"${DURATION}s" -s "$WORK/whole.lua" "http://127.0.0.1:$SB/v1/chat/completions" >/dev/null &
wrk_pid=$!
peak=0
while kill -0 $wrk_pid 2>/dev/null; do
  now=$(rss_mb)
  peak=$(awk -v a="$peak" -v b="$now" 'BEGIN { print (b > a ? b : a) }')
  sleep 0.5
done
sleep 2
after=$(rss_mb)

# 1 000 000 requests in runs of a few seconds, RSS read after each; kept at each milestone.
total=0 milestones=(100000 250000 500000 750000 1000000) next=0
declare -A RSS_AT
while [ "$total" -lt 1000000 ]; do
  out=$(wrk -t2 -c64 -d5s -s "$WORK/whole.lua" "http://127.0.0.1:$SB/v1/chat/completions")
  total=$((total + $(echo "$out" | awk '/requests in/ {print $1}')))
  while [ $next -lt ${#milestones[@]} ] && [ "$total" -ge "${milestones[$next]}" ]; do
    RSS_AT[${milestones[$next]}]="$(rss_mb) | $(anon_mb)"
    next=$((next + 1))
  done
  echo "bench: $total requests, RSS $(rss_mb) MB" >&2
done
rss_100k=${RSS_AT[100000]%% *} rss_1m=${RSS_AT[1000000]%% *}

reload_run() {  # reload_run WITH_RELOADS → "rps failures reloads"
  local reloads=0 loop_pid="" out
  if [ "$1" = yes ]; then
    (while true; do
       curl -s -o /dev/null -X POST -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$SB/admin/plugins/openai/reload"
       echo x >> "$WORK/reloads"; sleep 1
     done) &
    loop_pid=$!
  fi
  out=$(wrk -t2 -c32 -d"${DURATION}s" -s "$WORK/whole.lua" "http://127.0.0.1:$SB/v1/chat/completions")
  [ -n "$loop_pid" ] && { kill $loop_pid; wait $loop_pid 2>/dev/null || true; reloads=$(wc -l < "$WORK/reloads"); }
  local failures errors
  failures=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  errors=$(echo "$out" | awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}')
  echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') $(( ${failures:-0} + ${errors:-0} )) $reloads"
}
read -r base_rps base_fail _ < <(reload_run no)
read -r reload_rps reload_fail reloads < <(reload_run yes)

{
  echo "| memory | RSS MB | of it anonymous (heap, stacks) |"
  echo "| --- | ---: | ---: |"
  echo "| idle, after start | $idle | |"
  echo "| peak during 64-connection load | $peak | |"
  echo "| 2 s after the load | $after | |"
  for m in "${milestones[@]}"; do echo "| after $m requests | ${RSS_AT[$m]} |"; done
  echo
  awk -v a="$rss_100k" -v b="$rss_1m" 'BEGIN { printf "Growth from 100 000 to 1 000 000 requests: %.1f MB.\n", b - a }'
  echo
  echo "| hot reload, 32 connections | req/s | failed requests | reloads |"
  echo "| --- | ---: | ---: | ---: |"
  echo "| no reloads (baseline) | $base_rps | $base_fail | 0 |"
  echo "| a reload every second | $reload_rps | $reload_fail | $reloads |"
  awk -v r="$reload_rps" -v b="$base_rps" 'BEGIN { printf "\nReloading every second keeps %.2f of the baseline req/s.\n", r / b }'
} > "$OUT/memory_reload.md"
cat "$OUT/memory_reload.md"
