#!/usr/bin/env bash
# The fault suite: the orchestrator and workers as real `maintenance serve` processes on real RabbitMQ, PostgreSQL
# and Redis, a fault injected in the middle of each run, and what the run left compared with a clean run (rows and
# keys, counts and checksums). Prints one table; exits non-zero when a scenario lost or duplicated anything, or
# ended without an end event.
#
#   scripts/faults.sh           every scenario (about 5 minutes on 2 cores)
#   scripts/faults.sh --quick   the quick subset (about 2 minutes): clean, worker kill -9, 20 duplicate starts,
#                               out-of-rules starts, poison start
#
# Uses the servers named by MAINTENANCE_TEST_* when set (e.g. `. /tmp/maintenance-test-servers.env`); otherwise
# starts its own with scripts/test.sh --servers-only and stops them at the end. Each scenario gets its own database,
# virtual host and Redis database. MAINTENANCE_FAULTS_TICKERS sets the sample market's size (default 300).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode=all
case "${1:-}" in
  --quick) mode=quick ;;
  "") ;;
  *) echo "usage: scripts/faults.sh [--quick]" >&2; exit 2 ;;
esac

if [[ -z "${MAINTENANCE_TEST_RABBITMQ:-}" || -z "${MAINTENANCE_TEST_POSTGRES:-}" || -z "${MAINTENANCE_TEST_REDIS:-}" ]]; then
  export MAINTENANCE_SERVERS_ENV_FILE="${MAINTENANCE_SERVERS_ENV_FILE:-/tmp/maintenance-faults-servers.env}"
  "$ROOT/scripts/test.sh" --servers-only
  trap '"$ROOT/scripts/test.sh" --stop-servers' EXIT
  # shellcheck disable=SC1090
  . "$MAINTENANCE_SERVERS_ENV_FILE"
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
