#!/usr/bin/env bash
# Starts a PostgreSQL server for crm-server's store tests, from Debian's packages, on 127.0.0.1:5432
# with a `crm` role and database. Idempotent: installs postgresql if it is missing, creates the
# cluster if there is none, starts it if it is down, creates the role and database if absent.
#
# Prints the database URL as the only line on stdout (everything else goes to stderr):
#
#   export CRM_TEST_DATABASE_URL="$(bash scripts/start-postgres.sh)"
#   cargo test -p crm-server
#
# Needs root (or sudo) for apt-get and the cluster tools. Listens on loopback only.
set -euo pipefail

PORT="${CRM_PG_PORT:-5432}"
ROLE=crm
PASSWORD=crm
DB=crm

log() { printf 'start-postgres: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
    log "installing postgresql from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq >&2
    as_root apt-get install -y -qq postgresql >&2
fi

VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
cluster_field() { pg_lsclusters -h 2>/dev/null | awk -v v="$VERSION" -v f="$1" '$1 == v && $2 == "main" { print $f }'; }

if [ -z "$(cluster_field 2)" ]; then
    log "creating cluster $VERSION/main"
    as_root pg_createcluster "$VERSION" main --port "$PORT" >&2
fi

# Loopback only, on the expected port.
CONF="/etc/postgresql/$VERSION/main/postgresql.conf"
before="$(md5sum "$CONF")"
as_root sed -i -E \
    -e "s/^#?[[:space:]]*listen_addresses[[:space:]]*=.*/listen_addresses = '127.0.0.1'/" \
    -e "s/^#?[[:space:]]*port[[:space:]]*=.*/port = $PORT/" \
    "$CONF"
changed=no
[ "$before" = "$(md5sum "$CONF")" ] || changed=yes

if [ "$(cluster_field 4)" = online ]; then
    if [ "$changed" = yes ]; then
        log "restarting cluster $VERSION/main for the new settings"
        as_root pg_ctlcluster "$VERSION" main restart >&2
    fi
else
    log "starting cluster $VERSION/main on 127.0.0.1:$PORT"
    as_root pg_ctlcluster "$VERSION" main start >&2
fi

for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$PORT" && break
    sleep 0.5
done
pg_isready -h 127.0.0.1 -p "$PORT" >&2

as_postgres psql -p "$PORT" -v ON_ERROR_STOP=1 -qAt >&2 <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
        CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD';
    END IF;
END
\$\$;
SQL
if [ "$(as_postgres psql -p "$PORT" -qAt -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
    log "creating database $DB"
    as_postgres createdb -p "$PORT" -O "$ROLE" "$DB" >&2
fi

echo "postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
