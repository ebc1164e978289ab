#!/usr/bin/env bash
# Streaming benchmark: what a gateway adds to a streamed answer's time to first token and to
# the gaps between its chunks. The upstream (slow_upstream.py) sends 20 content events 20 ms
# apart; load_client.py reads N streams one after another directly from it (the baseline),
# through nginx, through Switchboard and through Portkey, timing each content event.
# Usage: tools/bench/streaming.sh [streams per path, default 30]   (build first: tools/dev build release)
set -euo pipefail
cd "$(dirname "$0")/../.."
STREAMS="${1:-30}"
DURATION=1
source tools/bench/gateway_setup.sh

stream_times() {  # stream_times URL BODY [HEADER...] → "ttft_p50 ttft_p99 gap_p50 gap_p99" (ms)
  local url=$1 body=$2; shift 2
  local headers=()
  for header in "$@"; do headers+=(--header "$header"); done
  python3 tools/bench/load_client.py stream "$url" --requests "$STREAMS" --body "$body" "${headers[@]}"
}
BODY='{"model":"bench","stream":true,"messages":[{"role":"user","content":"hello"}]}'
python3 tools/bench/load_client.py stream "http://127.0.0.1:$SLOW/v1/chat/completions" --requests 3 >/dev/null  # warm-up

echo "| path | time to first token p50 | p99 | gap between chunks p50 | p99 | added TTFT p50 | added gap p99 |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
read -r base_ttft base_ttft99 base_gap base_gap99 < <(stream_times "http://127.0.0.1:$SLOW/v1/chat/completions" "$BODY")
row() {  # row NAME TTFT TTFT99 GAP GAP99
  awk -v n="$1" -v t="$2" -v t9="$3" -v g="$4" -v g9="$5" -v bt="$base_ttft" -v bg9="$base_gap99" \
    'BEGIN { printf "| %s | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %+.2f ms | %+.2f ms |\n", n, t, t9, g, g9, t - bt, g9 - bg9 }'
}
row direct "$base_ttft" "$base_ttft99" "$base_gap" "$base_gap99"
row nginx $(stream_times "http://127.0.0.1:$PROXY/slow/v1/chat/completions" "$BODY")
row switchboard $(stream_times "http://127.0.0.1:$SB/v1/chat/completions" "${BODY/\"bench\"/\"slow/bench\"}")
if [ -n "$PORTKEY_STREAMS" ]; then
  row portkey $(stream_times "http://127.0.0.1:$PORTKEY/v1/chat/completions" "$BODY" "x-portkey-provider: openai" \
    "Authorization: Bearer bench" "x-portkey-custom-host: http://127.0.0.1:$SLOW/v1")
elif [ -n "$PORTKEY" ]; then
  echo "(Portkey $PORTKEY_VERSION answers streamed requests 500 on Node.js $(node --version): no row)"
else
  echo "(Portkey could not be installed from npm: no row)"
fi
