#!/usr/bin/env bash
# The benchmark suite in one command: every benchmark of tools/bench, each with its baseline
# measured in the same run, their tables gathered into one report.
#   gateway.sh          direct / nginx / Switchboard / Portkey, whole and streamed (ratios
#                       against nginx and Portkey)
#   latency_load.sh     p99 against load for nginx and Switchboard, the load held under 1/5/10
#                       ms, the added p99 at one connection, and a chart (latency_load.png)
#   streaming.sh        added time to first token and added gap between chunks (against the
#                       upstream read directly)
#   memory_reload.sh    RSS idle, under load, after; growth over 1 000 000 requests; req/s and
#                       failures while the provider is reloaded every second
#   framework_burst.sh  2 000 story requests at once against a 2 s upstream: threads and memory
#   stories_list.sh     story history over 100 000 stories (against 1 000), SQLite and PostgreSQL
#   cost_usage.sh       the usage report over a 1 000 000-row ledger, SQLite and PostgreSQL
# Usage: tools/bench/suite.sh [seconds per run, default 5] [output folder, default build-bench]
#   (build first: tools/dev build release). Writes <output>/report.md and the chart beside it.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN="${1:-5}"
OUT="${2:-build-bench}"
mkdir -p "$OUT"
{
  echo "# Switchboard benchmarks — $(date -u +%Y-%m-%d), $(nproc) cores"
  echo
  echo "## Gateway"
  echo
  tools/bench/gateway.sh "$SECONDS_PER_RUN"
  echo
  echo "## Latency against load"
  echo
  tools/bench/latency_load.sh "$SECONDS_PER_RUN" "$OUT" | grep -v '^chart:'
  echo
  echo "![p99 against req/s](latency_load.png)"
  echo
  echo "## Streaming"
  echo
  tools/bench/streaming.sh
  echo
  echo "## Memory and hot reload"
  echo
  tools/bench/memory_reload.sh "$SECONDS_PER_RUN" "$OUT"
  echo
  echo "## Framework path: 2 000 story requests at once, upstream 2 s"
  echo
  tools/bench/framework_burst.sh
  echo
  echo "## Story history over 100 000 stories"
  echo
  tools/bench/stories_list.sh
  echo
  echo "## Usage report over a large ledger"
  echo
  tools/bench/cost_usage.sh
} | tee "$OUT/report.md"
echo "report: $OUT/report.md" >&2
