#!/usr/bin/env bash
# Property-tests the server against its own OpenAPI document (CI runs this).
#
# Builds crm-server, starts it in sandbox mode on 127.0.0.1 (a port the kernel picks), and runs
# schemathesis against the served /openapi.json: every response must be a documented status with
# a documented content type and match the documented schema, no request may cause a 5xx, and a
# request the document calls invalid must be refused (4xx). Exits non-zero on any failure.
#
# Bounded: a fixed number of examples per operation (OPENAPI_FUZZ_MAX_EXAMPLES), a timeout per
# request and one around the whole schemathesis run (OPENAPI_FUZZ_TIMEOUT). schemathesis 4 runs
# Hypothesis without a per-example deadline and has no option for one; the request timeout is
# what bounds a single example. The seed is fixed so that a CI run is reproducible and a failure
# can be replayed exactly; set OPENAPI_FUZZ_SEED to another number to explore (a failure prints
# the seed and a curl command to reproduce it).
#
# schemathesis is installed, pinned with all its dependencies (scripts/openapi-fuzz-requirements.txt),
# into a virtualenv under the cargo target directory when missing. Needs python3 with venv and
# network access to PyPI for that first install. Settings and hooks: scripts/openapi-fuzz.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
MAX_EXAMPLES="${OPENAPI_FUZZ_MAX_EXAMPLES:-300}"
SEED="${OPENAPI_FUZZ_SEED:-20261208}"
RUN_TIMEOUT="${OPENAPI_FUZZ_TIMEOUT:-180}" # seconds, the whole schemathesis run
HOST=127.0.0.1                             # never anything else: the sandbox has no API key

target="${CARGO_TARGET_DIR:-target}"
venv="$target/openapi-fuzz/venv"
reports="$target/openapi-fuzz/reports"
log="$target/openapi-fuzz/server.log"
requirements=scripts/openapi-fuzz-requirements.txt

step() { printf '==> %s\n' "$*"; }

# GET $1 answers 200 within 2 s (no proxy). python3, not curl: CI machines have python3.
healthy() {
    python3 - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
sys.exit(0 if opener.open(sys.argv[1], timeout=2).status == 200 else 1)
PY
}

# schemathesis, installed once per target directory (re-installed when the pinned list changes).
stamp="$venv/.requirements"
if ! cmp -s "$requirements" "$stamp" 2>/dev/null \
    || [ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
    step "installing schemathesis $SCHEMATHESIS_VERSION into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --require-virtualenv \
        --no-deps -r "$requirements"
    cp "$requirements" "$stamp"
fi
"$venv/bin/schemathesis" --version

step "building crm-server"
cargo build -p crm-server --locked

server_pid=""
# Stops the server this script started (only that pid): SIGTERM (graceful shutdown), then
# SIGKILL if it is still there after 10 s.
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "starting the sandbox server on $HOST"
mkdir -p "$(dirname "$log")"
rm -rf "$reports"
# Port 0: the kernel picks a free port; the banner says which ("Listening on http://HOST:PORT").
# The log is emptied here, not by the background job's redirection, which may come after the
# first read below and leave an earlier run's banner (and port) to be read.
: >"$log"
"$target/debug/crm-server" --sandbox --listen "$HOST:0" >>"$log" 2>&1 &
server_pid=$!

base=""
ready_by=$((SECONDS + 30))
while [ "$SECONDS" -lt "$ready_by" ]; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        cat "$log" >&2
        echo "openapi-fuzz: the server exited before it was ready" >&2
        exit 1
    fi
    if [ -z "$base" ]; then
        port="$(sed -n "s#^Listening on http://$HOST:\([0-9][0-9]*\)\$#\1#p" "$log" | head -n 1)"
        [ -n "$port" ] && base="http://$HOST:$port"
    fi
    if [ -n "$base" ] && healthy "$base/healthz"; then
        break
    fi
    sleep 0.1
done
if [ -z "$base" ] || ! healthy "$base/healthz"; then
    cat "$log" >&2
    echo "openapi-fuzz: the server did not become healthy within 30 s" >&2
    exit 1
fi
step "server $server_pid at $base; running schemathesis (seed $SEED, $MAX_EXAMPLES examples per operation)"

# No proxy may see (or redirect) these requests; no redirect is followed. Hypothesis keeps its
# caches under the target directory, not in the work tree.
export NO_PROXY="$HOST" no_proxy="$HOST" HYPOTHESIS_STORAGE_DIRECTORY="$target/openapi-fuzz/hypothesis"
unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy
start=$SECONDS
status=0
timeout --kill-after=10 "$RUN_TIMEOUT" \
    "$venv/bin/schemathesis" --config-file scripts/openapi-fuzz.toml --no-color run "$base/openapi.json" \
    --url "$base" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,negative_data_rejection,unsupported_method \
    --phases examples,coverage,fuzzing \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --generation-database none \
    --request-timeout 10 \
    --max-redirects 0 \
    --workers 1 \
    --continue-on-failure \
    --report junit --report-dir "$reports" || status=$?
step "schemathesis took $((SECONDS - start)) s"
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "openapi-fuzz: schemathesis did not finish within ${RUN_TIMEOUT} s" >&2
fi
if [ "$status" -ne 0 ]; then
    echo "openapi-fuzz: FAILED (exit $status); JUnit report in $reports, server log in $log" >&2
fi
exit "$status"
