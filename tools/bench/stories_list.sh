#!/usr/bin/env bash
# Story history over a large store (default 100 000 stories), on SQLite and on PostgreSQL (a
# throwaway cluster on loopback): the newest page, a deep page (by `skip` and by cursor), a
# framework's page, a search by character (a name in about 0.2 % of the stories) and one story
# by id; median and max of 20 requests each. Baselines from the same run: GET /health (the HTTP floor), and the same
# requests over a store of 1 000 stories — the ratio says how each grows with the store.
# Usage: tools/bench/stories_list.sh [stories]     (build first: tools/dev build release)
set -euo pipefail
cd "$(dirname "$0")/../.."
STORIES="${1:-100000}"
SMALL=1000
source tools/bench/store_setup.sh

# One store's figures, as "name|median|max" lines.
measure_store() {  # measure_store URL NAME COUNT
  local url=$1 name=$2 count=$3 base="http://127.0.0.1:$SB_PORT" deep=$(($3 / 2))
  "$BIN/bench_story_fill" "$url" "$count" >&2
  start_switchboard "$url" "$name"
  local cursor
  cursor=$(curl -sf "$base/api/stories?limit=1&skip=$((deep - 1))" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["next_cursor"])')
  for request in "newest 10|/api/stories?limit=10" \
                 "page at the middle (100)|/api/stories?limit=100&skip=$deep" \
                 "the same page by cursor|/api/stories?limit=100&before=$cursor" \
                 "one framework, newest 10|/api/stories?limit=10&framework=langchain" \
                 "search by character|/api/stories/search/characters?character=name0042" \
                 "one story by id|/api/stories/$deep" \
                 "baseline GET /health|/health"; do
    echo "${request%%|*}|$(timed "$base${request#*|}")"
  done
  stop_switchboard
}

report() {  # report STORE_NAME BIG_URL SMALL_URL
  echo "### $1"
  echo
  echo "| request | $SMALL stories | $STORIES stories | ratio |"
  echo "| --- | ---: | ---: | ---: |"
  measure_store "$3" "$1-small" "$SMALL" > "$WORK/small.txt"
  measure_store "$2" "$1-big" "$STORIES" > "$WORK/big.txt"
  paste -d'|' "$WORK/small.txt" "$WORK/big.txt" |
    awk -F'|' '{ split($2, s, " "); split($4, b, " "); printf "| %s | %s | %s | %.1f× |\n", $1, $2, $4, (s[1] > 0 ? b[1] / s[1] : 0) }'
  echo
}

report SQLite "sqlite://$WORK/big.db" "sqlite://$WORK/small.db"
# Stories are written one per transaction, as the server does: without waiting for each
# commit's WAL flush the fill takes seconds instead of minutes (reads are unaffected).
PG_URL=$(start_postgres "-c synchronous_commit=off")
psql_bench -d postgres -c "CREATE DATABASE big" -c "CREATE DATABASE small"
report "PostgreSQL $("$PG_BIN/postgres" --version | grep -o '[0-9][0-9.]*' | head -1)" "$PG_URL/big" "$PG_URL/small"
