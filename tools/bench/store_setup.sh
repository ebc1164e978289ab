# Sourced by the store benchmarks (cost_usage.sh, stories_list.sh): the binaries (release
# build when there is one), a scratch folder removed on exit with everything started in it,
# `timed` (median and max of 20 requests), `start_switchboard` / `stop_switchboard` on a store,
# and `start_postgres` (a throwaway PostgreSQL cluster on loopback; prints its URL base).
# Expects the repository root as the working folder.
BIN="${SWITCHBOARD_BIN_DIR:-build-release/bin}"
[ -x "$BIN/bench_story_fill" ] || BIN=build/bin
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
WORK=$(mktemp -d)
chmod 755 "$WORK"
PG_PORT="${PG_PORT:-18931}" SB_PORT="${SB_PORT:-18932}"
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi; }
cleanup() {
  [ -f "$WORK/sb.pid" ] && kill "$(cat "$WORK/sb.pid")" 2>/dev/null || true
  [ -d "$WORK/pg/data" ] && as_pg "$PG_BIN/pg_ctl -D $WORK/pg/data -m immediate -w stop" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# timed URL → "median ms (max max ms)" of curl timings over 20 requests, after 3 warm-ups
timed() {
  local url=$1 times=()
  for _ in 1 2 3; do curl -sf -o /dev/null "$url"; done
  for _ in $(seq 20); do times+=("$(curl -sf -o /dev/null -w '%{time_total}' "$url")"); done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 * 1000 } END { printf "%.1f ms (max %.1f)", a[int((NR + 1) / 2)], a[NR] }'
}

# start_switchboard DATABASE_URL NAME: serves that store on SB_PORT until stop_switchboard
start_switchboard() {
  DATABASE_URL="$1" "$BIN/switchboard" serve --port "$SB_PORT" --data-dir "$WORK/data-$2" 2>"$WORK/sb-$2.log" &
  echo $! > "$WORK/sb.pid"
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$SB_PORT/health" && return 0; sleep 0.1; done
  echo "bench: switchboard did not start: $(tail -3 "$WORK/sb-$2.log")" >&2
  return 1
}
stop_switchboard() {
  kill "$(cat "$WORK/sb.pid")"
  wait "$(cat "$WORK/sb.pid")" 2>/dev/null || true
  rm -f "$WORK/sb.pid"
}

# start_postgres [SERVER OPTIONS] → prints postgresql://switchboard@127.0.0.1:PORT (add /DATABASE)
start_postgres() {
  mkdir "$WORK/pg"  # the server's folder: data, log and socket, owned by the user it runs as
  [ "$(id -u)" -eq 0 ] && chown postgres "$WORK/pg"
  as_pg "$PG_BIN/initdb -D $WORK/pg/data -A trust -U switchboard --no-sync" >/dev/null
  as_pg "$PG_BIN/pg_ctl -D $WORK/pg/data -l $WORK/pg/log -w -o '-c listen_addresses=127.0.0.1 -p $PG_PORT -k $WORK/pg ${1:-}' start" >/dev/null
  echo "postgresql://switchboard@127.0.0.1:$PG_PORT"
}
psql_bench() { "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U switchboard "$@"; }
