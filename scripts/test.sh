#!/usr/bin/env bash
# The project's test command (README, "The two commands"; CI runs exactly this).
# Starts PostgreSQL on 127.0.0.1 for the account-store suite (installing it from Debian's packages
# when missing), then runs every test of the workspace: cargo test --workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
CRM_TEST_DATABASE_URL="$(bash scripts/start-postgres.sh)"
export CRM_TEST_DATABASE_URL
exec cargo test --workspace --locked "$@"
