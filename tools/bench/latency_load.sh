#!/usr/bin/env bash
# Latency against load: wrk at 1, 2, 4 … 128 connections through nginx (the baseline, measured
# in the same run) and through Switchboard's gateway, over the same nginx mock upstream
# (gateway_setup.sh). Writes, in the output folder (default build-bench/):
#   latency_load.dat  connections, then req/s and p99 (ms) of nginx and of Switchboard
#   latency_load.md   the table, the throughput Switchboard holds with p99 under 1, 5 and
#                     10 ms (and nginx's, as the ratio's baseline), and the added p99 at one
#                     connection (Switchboard's minus the direct upstream's)
#   latency_load.png  p99 against req/s for both (gnuplot)
# Usage: tools/bench/latency_load.sh [seconds per point, default 5] [output folder]
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${1:-5}"
OUT="${2:-build-bench}"
command -v gnuplot >/dev/null || apt-get install -y -qq gnuplot-nox >/dev/null
source tools/bench/gateway_setup.sh
mkdir -p "$OUT"

ms() { awk -v us="$(micros "$1")" 'BEGIN { printf "%.3f", us / 1000 }'; }

echo "# connections nginx_rps nginx_p99_ms switchboard_rps switchboard_p99_ms" > "$OUT/latency_load.dat"
for connections in 1 2 4 8 16 32 64 128; do
  read -r _ nginx_rps _ nginx_p99 _ < <(run nginx $PROXY whole.lua $connections "$PROXY_PID")
  read -r _ sb_rps _ sb_p99 _ < <(run switchboard $SB whole.lua $connections "$SB_PID")
  echo "$connections $nginx_rps $(ms "$nginx_p99") $sb_rps $(ms "$sb_p99")" | tee -a "$OUT/latency_load.dat" >&2
done
read -r _ _ _ direct_p99 _ < <(run direct $UP whole.lua 1 "$MOCK_PID")
read -r _ _ _ sb1_p99 _ < <(run switchboard $SB whole.lua 1 "$SB_PID")

# The highest req/s a server reached with its p99 under a bound (0 when never).
held_under() {  # held_under BOUND_MS RPS_COLUMN P99_COLUMN
  awk -v bound="$1" -v r="$2" -v p="$3" '!/^#/ && $p < bound && $r > best { best = $r } END { printf "%.0f", best }' \
    "$OUT/latency_load.dat"
}
{
  echo "| connections | nginx req/s | nginx p99 ms | switchboard req/s | switchboard p99 ms |"
  echo "| ---: | ---: | ---: | ---: | ---: |"
  awk '!/^#/ { printf "| %s | %.0f | %.2f | %.0f | %.2f |\n", $1, $2, $3, $4, $5 }' "$OUT/latency_load.dat"
  echo
  echo "| p99 under | nginx req/s | switchboard req/s | ratio |"
  echo "| ---: | ---: | ---: | ---: |"
  for bound in 1 5 10; do
    n=$(held_under $bound 2 3) s=$(held_under $bound 4 5)
    awk -v b=$bound -v n="$n" -v s="$s" 'BEGIN { printf "| %d ms | %d | %d | %s |\n", b, n, s, (n > 0 ? sprintf("%.2f", s / n) : "-") }'
  done
  echo
  added=$(awk -v a="$(micros "$sb1_p99")" -v b="$(micros "$direct_p99")" 'BEGIN { printf "%.0f", a - b }')
  echo "At one connection: p99 direct $direct_p99, through Switchboard $sb1_p99: added ${added} µs."
} > "$OUT/latency_load.md"

gnuplot <<PLOT
set terminal pngcairo size 900,560 font ",11"
set output "$OUT/latency_load.png"
set title "Latency against load (loopback, nginx mock upstream, ${DURATION} s per point)"
set xlabel "requests/s"
set ylabel "p99 latency (ms)"
set logscale y
set grid
set key left top
plot "$OUT/latency_load.dat" using 2:3 with linespoints title "nginx (baseline)", \
     "$OUT/latency_load.dat" using 4:5 with linespoints title "Switchboard"
PLOT
cat "$OUT/latency_load.md"
echo "chart: $OUT/latency_load.png"
