#!/usr/bin/env bash
# GET /api/cost/usage over a large usage ledger (default 1 000 000 rows over 90 days), on SQLite
# and on PostgreSQL (a throwaway cluster on loopback). For each store: the fill time, the
# report's median and max time over 20 requests (90 days, and one framework), the newest-50
# transactions page, and two baselines from the same run: GET /health (the HTTP floor) and the
# same totals computed by scanning the raw ledger (what the daily roll-up saves).
# Usage: tools/bench/cost_usage.sh [rows]     (build first: tools/dev build release)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS="${1:-1000000}"
source tools/bench/store_setup.sh

measure() {  # measure NAME URL SCAN_COMMAND
  local name=$1 url=$2 scan=$3
  echo "== $name"
  "$BIN/bench_ledger_fill" "$url" "$ROWS"
  start_switchboard "$url" "$name"
  local base="http://127.0.0.1:$SB_PORT"
  local start end
  start=$(date -u -d '-89 days' +%F) end=$(date -u +%F)
  echo "GET /api/cost/usage (90 days):            $(timed "$base/api/cost/usage?start_date=$start&end_date=$end")"
  echo "GET /api/cost/usage (90 days, framework): $(timed "$base/api/cost/usage?start_date=$start&end_date=$end&framework=chain")"
  echo "GET /api/cost/transactions?limit=50:      $(timed "$base/api/cost/transactions?limit=50")"
  echo "baseline GET /health:                     $(timed "$base/health")"
  local t0 t1
  t0=$(date +%s%N)
  eval "$scan" >/dev/null
  t1=$(date +%s%N)
  echo "baseline: the same totals by scanning the raw ledger: $(( (t1 - t0) / 1000000 )) ms"
  stop_switchboard
}

SCAN_SQL="SELECT framework, substr(created_at, 1, 10), COUNT(*), SUM(input_tokens + output_tokens), SUM(cost_nanousd) FROM usage_ledger GROUP BY 1, 2"
measure sqlite "sqlite://$WORK/bench.db" "sqlite3 $WORK/bench.db \"$SCAN_SQL\""

PG_URL=$(start_postgres)
psql_bench -d postgres -c "CREATE DATABASE bench"
PG_SCAN="SELECT framework, created_at::date, COUNT(*), SUM(input_tokens + output_tokens), SUM(cost_nanousd) FROM usage_ledger GROUP BY 1, 2"
measure postgresql "$PG_URL/bench" "psql_bench -d bench -c \"$PG_SCAN\""
