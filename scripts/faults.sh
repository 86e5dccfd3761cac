#!/usr/bin/env bash
# The fault suite: the orchestrator and workers as real `maintenance serve` processes on real RabbitMQ, PostgreSQL
# and Redis, a fault injected in the middle of each run, and what the run left compared with a clean run (rows and
# keys, counts and checksums). Prints one table; exits non-zero when a scenario lost or duplicated anything, or
# ended without an end event.
#
#   scripts/faults.sh           every scenario (about 12 minutes on 2 cores at load 25), on servers of its own
#   scripts/faults.sh --quick   the quick subset (about 2 minutes): clean, worker kill -9, 20 duplicate starts,
#                               out-of-rules starts, poison start
#
# The full suite stops, pauses and restarts servers (broker stopped, PostgreSQL restarted, Redis paused and
# restarted), so it always starts a private set with scripts/test.sh --servers-only (env file
# MAINTENANCE_FAULTS_SERVERS_ENV_FILE, default /tmp/maintenance-faults-own-servers.env) and stops it at the end,
# whatever MAINTENANCE_TEST_* say. The quick subset uses the servers named by MAINTENANCE_TEST_* when set, else
# starts its own the same way. Each scenario gets its own database, virtual host and Redis database.
# MAINTENANCE_FAULTS_TICKERS sets the sample market's size (default 300); MAINTENANCE_FAULTS_ONLY=<part of a name>
# runs only the matching scenarios; MAINTENANCE_FAULTS_LOGS=<folder> keeps every process's output.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode=all
case "${1:-}" in
  --quick) mode=quick ;;
  "") ;;
  *) echo "usage: scripts/faults.sh [--quick]" >&2; exit 2 ;;
esac

own_servers=false
if [[ $mode == all || -z "${MAINTENANCE_TEST_RABBITMQ:-}" || -z "${MAINTENANCE_TEST_POSTGRES:-}" || -z "${MAINTENANCE_TEST_REDIS:-}" ]]; then
  own_servers=true
  export MAINTENANCE_SERVERS_ENV_FILE="${MAINTENANCE_FAULTS_SERVERS_ENV_FILE:-/tmp/maintenance-faults-own-servers.env}"
  unset MAINTENANCE_TEST_RABBITMQ MAINTENANCE_TEST_RABBITMQ_MANAGEMENT MAINTENANCE_TEST_POSTGRES MAINTENANCE_TEST_REDIS
  "$ROOT/scripts/test.sh" --servers-only >/dev/null
  trap '"$ROOT/scripts/test.sh" --stop-servers' EXIT
  # shellcheck disable=SC1090
  . "$MAINTENANCE_SERVERS_ENV_FILE"
fi
if [[ $own_servers == true ]]; then
  # The scenarios that stop or restart a server run only on these (the test reads their PIDs and folder here).
  export MAINTENANCE_FAULTS_OWN_SERVERS="$MAINTENANCE_SERVERS_ENV_FILE"
fi

report="${MAINTENANCE_FAULTS_REPORT:-/tmp/maintenance-faults.md}"
rm -f "$report"
status=0
MAINTENANCE_FAULTS="$mode" MAINTENANCE_FAULTS_REPORT="$report" MAINTENANCE_REQUIRE_INFRA=1 \
  dotnet test --project "$ROOT/tests/Maintenance.Host.Tests" -- \
  --filter-class 'Maintenance.Host.Tests.Faults.FaultSuiteTests' || status=$?

if [[ -f "$report" ]]; then
  cat "$report"
else
  echo "faults.sh: no table was written (the suite did not get to run; see the output above)" >&2
  status=1
fi
exit "$status"
