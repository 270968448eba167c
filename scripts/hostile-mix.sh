#!/usr/bin/env bash
# Normal requests' latency while hostile ones run, against a sandbox server on loopback.
#
#   bash scripts/hostile-mix.sh [path/to/crm-server] [seconds]
#
# Starts `crm-server --sandbox --request-timeout 5` on a free 127.0.0.1 port, measures a plain
# Zoho page (limit=100; Zoho's client-side limit caps concurrency only) with wrk (4 connections) alone, then again while two clients send, in a
# loop, the requests an attacker would: 4,000 comma-separated `truto_exclude_fields` entries on a Salesforce
# page of 100, a normalized Salesforce page of 2,000 keyed by id, a 25,000-quote name filter and
# 1,000 half-sent connections. Prints wrk's latency distribution for both runs. Loopback only,
# bounded in time; stops only the processes it started. Needs `wrk` (Debian package `wrk`).
set -euo pipefail
cd "$(dirname "$0")/.."
server=${1:-target/release/crm-server}
seconds=${2:-15}
command -v wrk >/dev/null || { echo "hostile-mix: install wrk (apt-get install wrk)" >&2; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$server" --sandbox --listen "127.0.0.1:$port" --request-timeout 5 >/dev/null 2>&1 &
server_pid=$!
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -sf "$base/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

zoho=00000000-0000-4000-8000-0000000020c0
salesforce=00000000-0000-4000-8000-0000000005f0
normal="$base/unified/crm/leads?integrated_account_id=$zoho&limit=100&truto_ignore_remote_data=true"

echo "== normal requests alone"
wrk -t2 -c4 -d"${seconds}s" --latency "$normal" | sed -n '/Latency Distribution/,/requests in/p'

paths=$(python3 -c 'print(",".join(["id"] * 4000))')
quotes=$(python3 -c 'print("%27" * 25000)')
hostile() {
  local end=$((SECONDS + seconds))
  while [ $SECONDS -lt $end ]; do
    curl -s -o /dev/null --max-time 10 "$base/unified/crm/leads?integrated_account_id=$salesforce&limit=100&truto_exclude_fields=$paths" || true
    curl -s -o /dev/null --max-time 10 "$base/unified/crm/leads?integrated_account_id=$salesforce&limit=2000&truto_response_format=normalized&truto_key_by=id" || true
    curl -s -o /dev/null --max-time 10 "$base/unified/crm/leads?integrated_account_id=$salesforce&name=$quotes" || true
  done
}
half_open() {
  python3 - "$port" "$seconds" <<'EOF'
import socket, sys, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
conns = []
for _ in range(1000):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        conns.append(s)
    except OSError:
        break
time.sleep(seconds)
EOF
}
hostile & pids+=($!)
hostile & pids+=($!)
half_open & pids+=($!)
sleep 1
echo "== normal requests while hostile requests run"
wrk -t2 -c4 -d"${seconds}s" --latency "$normal" | sed -n '/Latency Distribution/,/requests in/p'
