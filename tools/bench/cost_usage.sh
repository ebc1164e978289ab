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
BIN="${SWITCHBOARD_BIN_DIR:-build-release/bin}"
[ -x "$BIN/bench_ledger_fill" ] || BIN=build/bin
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
WORK=$(mktemp -d)
chmod 755 "$WORK"
PG_PORT=18931 SB_PORT=18932
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi; }
cleanup() {
  [ -f "$WORK/sb.pid" ] && kill "$(cat "$WORK/sb.pid")" 2>/dev/null || true
  [ -d "$WORK/pg/data" ] && as_pg "$PG_BIN/pg_ctl -D $WORK/pg/data -m immediate -w stop" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# median and max, in ms, of curl timings of URL over 20 requests (after 3 warm-ups)
timed() {
  local url=$1 times=()
  for _ in 1 2 3; do curl -sf -o /dev/null "$url"; done
  for _ in $(seq 20); do times+=("$(curl -sf -o /dev/null -w '%{time_total}' "$url")"); done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 * 1000 } END { printf "%.1f ms (max %.1f)", a[int((NR + 1) / 2)], a[NR] }'
}

measure() {  # measure NAME URL SCAN_COMMAND
  local name=$1 url=$2 scan=$3
  echo "== $name"
  "$BIN/bench_ledger_fill" "$url" "$ROWS"
  DATABASE_URL="$url" "$BIN/switchboard" serve --port $SB_PORT --data-dir "$WORK/data-$name" 2>"$WORK/sb-$name.log" &
  echo $! > "$WORK/sb.pid"
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$SB_PORT/health" && break; sleep 0.1; done
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
  kill "$(cat "$WORK/sb.pid")"; wait "$(cat "$WORK/sb.pid")" 2>/dev/null || true; rm -f "$WORK/sb.pid"
}

SCAN_SQL="SELECT framework, substr(created_at, 1, 10), COUNT(*), SUM(input_tokens + output_tokens), SUM(cost_nanousd) FROM usage_ledger GROUP BY 1, 2"
measure sqlite "sqlite://$WORK/bench.db" "sqlite3 $WORK/bench.db \"$SCAN_SQL\""

mkdir "$WORK/pg"  # the server's folder: data, log and socket, owned by the user it runs as
[ "$(id -u)" -eq 0 ] && chown postgres "$WORK/pg"
as_pg "$PG_BIN/initdb -D $WORK/pg/data -A trust -U switchboard --no-sync" >/dev/null
as_pg "$PG_BIN/pg_ctl -D $WORK/pg/data -l $WORK/pg/log -w -o '-c listen_addresses=127.0.0.1 -p $PG_PORT -k $WORK/pg' start" >/dev/null
"$PG_BIN/psql" -X -q -h 127.0.0.1 -p $PG_PORT -U switchboard -d postgres -c "CREATE DATABASE bench"
PG_SCAN="SELECT framework, created_at::date, COUNT(*), SUM(input_tokens + output_tokens), SUM(cost_nanousd) FROM usage_ledger GROUP BY 1, 2"
measure postgresql "postgresql://switchboard@127.0.0.1:$PG_PORT/bench" \
  "$PG_BIN/psql -X -q -h 127.0.0.1 -p $PG_PORT -U switchboard -d bench -c \"$PG_SCAN\""
