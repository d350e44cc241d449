#!/usr/bin/env bash
# Checks the demo's console page (postbox-console) in a real browser: Debian's headless Chromium renders the page, runs its JavaScript
# against the running service, and the DOM it ends up with is checked. A screenshot is kept for people.
#
#   demo/check-ui-chromium.sh                    # builds and starts the demo, checks, stops it (run from the repo root)
#   DEMO_URL=http://127.0.0.1:8080/payments/postbox/ CONSOLE_PASSWORD=... demo/check-ui-chromium.sh   # a running demo
#
# The console needs the operator's password (printed by the demo at start); the browser gets it in the URL's
# user info (http://operator:password@host/...), the way a headless run can answer BASIC.
#
# Needs: chromium (apt-get install -y chromium), and for the first form JDK 17 + Maven.
# Environment: CHROMIUM (browser binary, default chromium), DEMO_PORT (default: a free port), OUT (output directory,
# default demo/launcher/target/chromium-check), START_TIMEOUT (seconds, default 900: the first build downloads a lot).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CHROMIUM=${CHROMIUM:-chromium}
OUT=${OUT:-$ROOT/demo/launcher/target/chromium-check}
START_TIMEOUT=${START_TIMEOUT:-900}
mkdir -p "$OUT"
command -v "$CHROMIUM" >/dev/null || { echo "FAIL: $CHROMIUM not found (apt-get install -y chromium)"; exit 2; }

DEMO_PID=
stop_demo() {
  if [[ -n "$DEMO_PID" ]] && kill -0 "$DEMO_PID" 2>/dev/null; then
    echo "check-ui: stopping the demo (process group $DEMO_PID)"
    # TERM, not INT: a background job of a script ignores SIGINT, and the JVMs would keep running
    kill -TERM -- "-$DEMO_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do pgrep -g "$DEMO_PID" >/dev/null || break; sleep 1; done
    kill -KILL -- "-$DEMO_PID" 2>/dev/null || true
  fi
}
trap stop_demo EXIT

if [[ -z "${DEMO_URL:-}" ]]; then
  PORT=${DEMO_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  DEMO_URL="http://127.0.0.1:$PORT/payments/postbox/"
  echo "check-ui: starting the demo on port $PORT (log $OUT/demo.log)"
  cd "$ROOT"
  setsid mvn -B -ntp -Pdemo -pl demo/launcher -am verify -DskipTests -Ddemo.http-port="$PORT" >"$OUT/demo.log" 2>&1 &
  DEMO_PID=$!
  for ((i = 0; i < START_TIMEOUT; i++)); do
    grep -q "The service keeps running" "$OUT/demo.log" && break
    if ! kill -0 "$DEMO_PID" 2>/dev/null; then echo "FAIL: the demo stopped; see $OUT/demo.log"; tail -30 "$OUT/demo.log"; exit 1; fi
    sleep 1
  done
  grep -q "The service keeps running" "$OUT/demo.log" || { echo "FAIL: demo not up within ${START_TIMEOUT}s"; exit 1; }
  grep "^\[demo\]" "$OUT/demo.log" | sed -n '/=====/,$p'
  CONSOLE_PASSWORD=${CONSOLE_PASSWORD:-$(sed -n 's/.*Console .*(user operator, password \([^:]*\):.*/\1/p' "$OUT/demo.log" | head -1)}
fi
[[ -n "${CONSOLE_PASSWORD:-}" ]] || { echo "FAIL: set CONSOLE_PASSWORD (printed by the demo at start)"; exit 2; }
DEMO_URL=${DEMO_URL/:\/\//:\/\/operator:$CONSOLE_PASSWORD@}

PROFILE=$(mktemp -d)
FLAGS=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$PROFILE" --window-size=1400,1600
       --virtual-time-budget=15000)
echo "check-ui: $CHROMIUM renders ${DEMO_URL/$CONSOLE_PASSWORD/****}"
"$CHROMIUM" "${FLAGS[@]}" --dump-dom "$DEMO_URL" >"$OUT/audit-dom.html" 2>"$OUT/chromium.log"
"$CHROMIUM" "${FLAGS[@]}" --screenshot="$OUT/audit.png" "$DEMO_URL" >>"$OUT/chromium.log" 2>&1 || true
rm -rf "$PROFILE"

failures=0
expect() { # description, extended regex that the DOM must contain
  if grep -Eq "$2" "$OUT/audit-dom.html"; then echo "  ok   $1"; else echo "  FAIL $1"; failures=$((failures + 1)); fi
}
count() { grep -Eo "$1" "$OUT/audit-dom.html" | wc -l; }
echo "check-ui: DOM after the page's JavaScript ran ($(wc -c <"$OUT/audit-dom.html") bytes, $OUT/audit-dom.html)"
expect "the page's requests all came back (body data-loaded)" '<body[^>]*data-loaded="true"'
expect "relay state ACTIVE in the summary" 'id="relay-state">ACTIVE<'
expect "inbox rows rendered, some COMPLETED" '<tr data-id="[^"]+" data-scope="[^"]+" data-status="COMPLETED"'
expect "ledger consumer records listed" 'data-scope="ledger"'
expect "webhook records listed" 'data-scope="gateway"'
expect "deposit (Idempotency-Key) records listed" 'data-scope="deposits"'
expect "outbox events rendered, DELIVERED to a consumer" 'data-type="(DepositReceived|PaymentCaptured)" data-status="DELIVERED"'
expect "a DEAD inbox record offers Replay" 'data-status="DEAD".*<button type="button" class="replay">Replay</button>'
expect "the PARKED relay event offers Replay" 'data-status="PARKED".*<button type="button" class="replay">Replay</button>'
expect "attempt history rendered" '<summary>[0-9]+ attempts?</summary>'
expect "no error message on the page" 'id="message" role="status"( class="")?></span>'
echo "check-ui: $(count 'data-scope="[a-z]+" data-status=')" inbox rows, "$(count 'data-type="[A-Za-z]+" data-status=')" outbox rows, \
  screenshot "$OUT/audit.png" "($( [[ -s $OUT/audit.png ]] && wc -c <"$OUT/audit.png" || echo 0) bytes)"
if ((failures > 0)); then echo "check-ui: FAILED ($failures check(s))"; exit 1; fi
echo "check-ui: PASSED"
