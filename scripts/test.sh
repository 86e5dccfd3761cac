#!/usr/bin/env bash
# The one test command: builds the solution once and runs every test against real servers.
#
#   scripts/test.sh                  start throwaway RabbitMQ, PostgreSQL and Redis (unless given, see below),
#                                    build, run `dotnet test` with MAINTENANCE_REQUIRE_INFRA=1, stop the servers
#   scripts/test.sh -- ARGS          the same, passing ARGS to `dotnet test` (e.g. -- --filter-class 'X')
#   scripts/test.sh --servers-only   start the servers, write an env file to source, leave them running
#   scripts/test.sh --stop-servers   stop the servers --servers-only started
#
# Servers given by MAINTENANCE_TEST_RABBITMQ (with MAINTENANCE_TEST_RABBITMQ_MANAGEMENT),
# MAINTENANCE_TEST_POSTGRES and MAINTENANCE_TEST_REDIS are used as they are; the others are started on
# free loopback ports with their data in a temporary folder, and stopped by PID on every exit path.
# Missing Debian packages are installed with apt-get when running as root; otherwise the script says
# which are missing and exits non-zero.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVERS_ENV_FILE="${MAINTENANCE_SERVERS_ENV_FILE:-/tmp/maintenance-test-servers.env}"
APP_ENV_FILE="${SERVERS_ENV_FILE%.env}.app.env"
SERVER_WAIT_SECONDS=90

export MASSTRANSIT_USAGE_TELEMETRY=false DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log() { printf '[test.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

mode=test
dotnet_test_args=()
while (($#)); do
  case "$1" in
    --servers-only) mode=servers-only ;;
    --stop-servers) mode=stop-servers ;;
    --) shift; dotnet_test_args=("$@"); break ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see scripts/test.sh --help)" ;;
  esac
  shift
done

# ---------------------------------------------------------------------------------------------------
# Processes we started, stopped on exit unless --servers-only hands them over.
# ---------------------------------------------------------------------------------------------------
WORK_DIR=""
KEEP_SERVERS=false
declare -a STARTED_PIDS=()   # "name:pid:signal"

# Signals every process first, then waits for all: the servers shut down side by side.
stop_started() {
  local entry name pid signal
  local -a waiting=()
  if [[ -n "$WORK_DIR" && -f "$WORK_DIR/rabbitmq/rabbit.pid" ]]; then
    # The Erlang VM outlives its launcher script if that script was ever killed hard.
    STARTED_PIDS+=("rabbitmq-vm:$(cat "$WORK_DIR/rabbitmq/rabbit.pid"):TERM")
  fi
  for entry in "${STARTED_PIDS[@]}"; do
    IFS=: read -r name pid signal <<<"$entry"
    if kill -0 "$pid" 2>/dev/null; then
      kill "-$signal" "$pid" 2>/dev/null || true
      waiting+=("$name:$pid")
    fi
  done
  for _ in $(seq 1 150); do
    local -a still=()
    for entry in "${waiting[@]}"; do
      kill -0 "${entry#*:}" 2>/dev/null && still+=("$entry")
    done
    waiting=("${still[@]}")
    ((${#waiting[@]} == 0)) && break
    sleep 0.2
  done
  for entry in "${waiting[@]}"; do
    log "${entry%%:*} (PID ${entry#*:}) did not stop within 30 s: killing it"
    kill -KILL "${entry#*:}" 2>/dev/null || true
  done
  STARTED_PIDS=()
}

on_exit() {
  local status=$?
  if [[ $KEEP_SERVERS == false ]]; then
    stop_started
    [[ -n "$WORK_DIR" ]] && rm -rf "$WORK_DIR"
  fi
  exit "$status"
}
trap on_exit EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

remember() { STARTED_PIDS+=("$1:$2:$3"); }

# ---------------------------------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------------------------------
APT_UPDATED=false
apt_install() { # package...
  if [[ $APT_UPDATED == false ]]; then
    log "apt-get update"
    apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null || die "apt-get update failed"
    APT_UPDATED=true
  fi
  log "apt-get install $*"
  local started=$SECONDS
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "$@" >/dev/null \
    || die "apt-get install $* failed"
  log "installed $* in $((SECONDS - started)) s"
}

postgres_bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && echo "$dir"
}

# Lists "command-or-path package" pairs that are missing for the servers we must start.
missing_packages() {
  local needs_rabbitmq=$1 needs_postgres=$2 needs_redis=$3
  command -v curl >/dev/null || echo "curl curl"
  if [[ $needs_rabbitmq == true ]]; then
    [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || echo "/usr/lib/rabbitmq/bin/rabbitmq-server rabbitmq-server"
    command -v epmd >/dev/null || echo "epmd rabbitmq-server"
  fi
  if [[ $needs_postgres == true ]]; then
    postgres_bin_dir >/dev/null || echo "/usr/lib/postgresql/*/bin/initdb postgresql"
    command -v pg_isready >/dev/null || echo "pg_isready postgresql-client"
    command -v psql >/dev/null || echo "psql postgresql-client"
  fi
  if [[ $needs_redis == true ]]; then
    command -v redis-server >/dev/null || echo "redis-server redis-server"
    command -v redis-cli >/dev/null || echo "redis-cli redis-tools"
  fi
  command -v ss >/dev/null || echo "ss iproute2"
  # The run page tests drive Debian's Chromium headless (tests/Maintenance.Host.Tests/RunPage).
  [[ -x /usr/bin/chromium ]] || echo "/usr/bin/chromium chromium"
  command -v chromedriver >/dev/null || echo "chromedriver chromium-driver"
  return 0
}

ensure_packages() {
  local missing packages
  missing=$(missing_packages "$@")
  [[ -z "$missing" ]] && return 0
  packages=$(awk '{print $2}' <<<"$missing" | sort -u | tr '\n' ' ')
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    # shellcheck disable=SC2086 # one word per package
    apt_install $packages
    missing=$(missing_packages "$@")
    [[ -z "$missing" ]] || die "still missing after apt-get install: $(awk '{print $1}' <<<"$missing" | tr '\n' ' ')"
  else
    log "missing: $(awk '{print $1}' <<<"$missing" | tr '\n' ' ')"
    die "install the Debian packages: sudo apt-get install $packages (or point MAINTENANCE_TEST_* at running servers)"
  fi
}

# ---------------------------------------------------------------------------------------------------
# Free ports: below the kernel's ephemeral range so client sockets never take them first.
# ---------------------------------------------------------------------------------------------------
declare -a TAKEN_PORTS=()
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 12000))
    [[ " ${TAKEN_PORTS[*]} " == *" $port "* ]] && continue
    if [[ -z "$(ss -Htan "( sport = :$port )" 2>/dev/null)" ]]; then
      TAKEN_PORTS+=("$port")
      echo "$port"
      return 0
    fi
  done
  die "found no free TCP port"
}

wait_until() { # description command...
  local what=$1; shift
  local deadline=$((SECONDS + SERVER_WAIT_SECONDS))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.3
  done
  log "$what answers"
}

# ---------------------------------------------------------------------------------------------------
# The servers
# ---------------------------------------------------------------------------------------------------
# The user that owns PostgreSQL's files: initdb refuses to run as root.
postgres_os_user() {
  if [[ $(id -u) -ne 0 ]]; then id -un; return; fi
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  fi
  echo postgres
}

as_postgres_user() { # command...
  if [[ $(id -u) -eq 0 ]]; then runuser -u "$PG_OS_USER" -- "$@"; else "$@"; fi
}

start_postgres() {
  local bin port dir
  bin=$(postgres_bin_dir)
  port=$(free_port)
  dir="$WORK_DIR/postgres"
  mkdir -p "$dir/data" "$dir/socket"
  PG_OS_USER=$(postgres_os_user)
  chown -R "$PG_OS_USER" "$dir"
  as_postgres_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --no-locale --no-sync \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  # Throwaway data: durability off. Many parallel tests each keep a small connection pool per database.
  as_postgres_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -s \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/socket -c max_connections=500 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start || { cat "$dir/postgres.log" >&2; die "PostgreSQL did not start"; }
  local pid
  pid=$(head -n 1 "$dir/data/postmaster.pid")
  remember postgres "$pid" INT   # SIGINT = fast shutdown
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (PID $pid)"
  PG_PORT=$port
  MAINTENANCE_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Password=postgres;Database=postgres"
}

start_redis() {
  local port dir
  port=$(free_port)
  dir="$WORK_DIR/redis"
  mkdir -p "$dir"
  # 256 databases: each parallel test leases its own (see tests/Maintenance.Testing/RedisServer.cs).
  redis-server --bind 127.0.0.1 --port "$port" --databases 256 --save '' --appendonly no \
    --dir "$dir" --logfile "$dir/redis.log" --daemonize no </dev/null >/dev/null 2>&1 &
  remember redis $! TERM
  log "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$port (PID $!)"
  REDIS_PORT=$port
  MAINTENANCE_TEST_REDIS="127.0.0.1:$port"
}

start_rabbitmq() {
  local amqp_port management_port epmd_port dist_port dir
  amqp_port=$(free_port)
  management_port=$(free_port)
  epmd_port=$(free_port)
  dist_port=$(free_port)
  dir="$WORK_DIR/rabbitmq"
  mkdir -p "$dir/home" "$dir/mnesia" "$dir/log"
  cat >"$dir/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$amqp_port
management.tcp.ip = 127.0.0.1
management.tcp.port = $management_port
EOF
  # Our own epmd on our own port, started here so we know its PID (the VM would otherwise daemonize one).
  epmd -port "$epmd_port" -address 127.0.0.1 </dev/null >"$dir/log/epmd.log" 2>&1 &
  remember epmd $! TERM
  local epmd_pid=$!

  # Started directly, not through /usr/sbin/rabbitmq-server, which would switch to the rabbitmq user.
  local -a rabbit_env=(
    HOME="$dir/home"
    PATH="/usr/lib/rabbitmq/bin:$PATH"
    RABBITMQ_NODENAME=rabbit@localhost
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
    RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
    RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
    RABBITMQ_MNESIA_BASE="$dir/mnesia"
    RABBITMQ_LOG_BASE="$dir/log"
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
    RABBITMQ_PID_FILE="$dir/rabbit.pid"
    RABBITMQ_DIST_PORT="$dist_port"
    ERL_EPMD_ADDRESS=127.0.0.1
    ERL_EPMD_PORT="$epmd_port"
  )
  env "${rabbit_env[@]}" rabbitmq-plugins enable --offline rabbitmq_management >"$dir/log/plugins.log" 2>&1 \
    || { cat "$dir/log/plugins.log" >&2; die "could not enable the RabbitMQ management plugin"; }
  env "${rabbit_env[@]}" rabbitmq-server </dev/null >"$dir/log/console.log" 2>&1 &
  # TERM to this launcher stops the broker gracefully and waits for it.
  remember rabbitmq $! TERM
  log "RabbitMQ starting: AMQP 127.0.0.1:$amqp_port, management 127.0.0.1:$management_port, epmd $epmd_port (PID $epmd_pid), dist $dist_port (PID $!)"
  RABBITMQ_AMQP_PORT=$amqp_port
  RABBITMQ_MANAGEMENT_PORT=$management_port
  MAINTENANCE_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:$amqp_port/"
  MAINTENANCE_TEST_RABBITMQ_MANAGEMENT="http://127.0.0.1:$management_port/"
}

postgres_answers() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; }
redis_answers() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping)" == PONG ]]; }
rabbitmq_answers() {
  curl -sf -o /dev/null --max-time 2 -u guest:guest "http://127.0.0.1:$RABBITMQ_MANAGEMENT_PORT/api/overview" \
    && (exec 3<>"/dev/tcp/127.0.0.1/$RABBITMQ_AMQP_PORT")
}

server_log_tail() { # name file
  [[ -f "$2" ]] && { log "last lines of $2:"; tail -n 30 "$2" >&2; }
  die "$1 did not answer within $SERVER_WAIT_SECONDS s"
}

start_servers() {
  local need_rabbitmq=false need_postgres=false need_redis=false
  [[ -z "${MAINTENANCE_TEST_RABBITMQ:-}" ]] && need_rabbitmq=true
  [[ -z "${MAINTENANCE_TEST_POSTGRES:-}" ]] && need_postgres=true
  [[ -z "${MAINTENANCE_TEST_REDIS:-}" ]] && need_redis=true
  [[ $need_rabbitmq == false ]] && log "using the given RabbitMQ: MAINTENANCE_TEST_RABBITMQ"
  [[ $need_postgres == false ]] && log "using the given PostgreSQL: MAINTENANCE_TEST_POSTGRES"
  [[ $need_redis == false ]] && log "using the given Redis: MAINTENANCE_TEST_REDIS"

  ensure_packages "$need_rabbitmq" "$need_postgres" "$need_redis"

  WORK_DIR=$(mktemp -d /tmp/maintenance-test.XXXXXX)
  chmod 755 "$WORK_DIR"   # PostgreSQL runs as another user and must reach its folder
  [[ $need_rabbitmq == true ]] && start_rabbitmq   # slowest to come up: first
  [[ $need_postgres == true ]] && start_postgres
  [[ $need_redis == true ]] && start_redis
  export MAINTENANCE_TEST_RABBITMQ MAINTENANCE_TEST_POSTGRES MAINTENANCE_TEST_REDIS
  [[ -n "${MAINTENANCE_TEST_RABBITMQ_MANAGEMENT:-}" ]] && export MAINTENANCE_TEST_RABBITMQ_MANAGEMENT
  NEED_RABBITMQ=$need_rabbitmq NEED_POSTGRES=$need_postgres NEED_REDIS=$need_redis
}

wait_for_servers() {
  if [[ $NEED_POSTGRES == true ]]; then
    wait_until PostgreSQL postgres_answers || server_log_tail PostgreSQL "$WORK_DIR/postgres/postgres.log"
  fi
  if [[ $NEED_REDIS == true ]]; then
    wait_until Redis redis_answers || server_log_tail Redis "$WORK_DIR/redis/redis.log"
  fi
  if [[ $NEED_RABBITMQ == true ]]; then
    wait_until RabbitMQ rabbitmq_answers || server_log_tail RabbitMQ "$WORK_DIR/rabbitmq/log/console.log"
  fi
}

# ---------------------------------------------------------------------------------------------------
# --stop-servers / --servers-only
# ---------------------------------------------------------------------------------------------------
stop_recorded_servers() {
  if [[ ! -f "$SERVERS_ENV_FILE" ]]; then
    log "no servers recorded in $SERVERS_ENV_FILE: nothing to stop"
    return 0
  fi
  # shellcheck disable=SC1090
  local pids dir
  pids=$(sed -n 's/^# pids: //p' "$SERVERS_ENV_FILE")
  dir=$(sed -n 's/^# dir: //p' "$SERVERS_ENV_FILE")
  WORK_DIR=$dir
  read -r -a STARTED_PIDS <<<"$pids"
  stop_started
  [[ -n "$dir" && "$dir" == /tmp/maintenance-test.* ]] && rm -rf "$dir"
  rm -f "$SERVERS_ENV_FILE" "$APP_ENV_FILE"
  WORK_DIR=""
  log "stopped the servers recorded in $SERVERS_ENV_FILE"
}

recorded_servers_alive() {
  [[ -f "$SERVERS_ENV_FILE" ]] || return 1
  local entry pid
  for entry in $(sed -n 's/^# pids: //p' "$SERVERS_ENV_FILE"); do
    pid=$(cut -d: -f2 <<<"$entry")
    kill -0 "$pid" 2>/dev/null || return 1
  done
  return 0
}

write_env_file() {
  local postgres_app=""
  if [[ $NEED_POSTGRES == true ]]; then
    psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c 'CREATE DATABASE maintenance' >/dev/null
    postgres_app="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=postgres;Database=maintenance"
  fi
  {
    echo "# Written by scripts/test.sh --servers-only on $(date -Is). Source it: . $SERVERS_ENV_FILE"
    echo "# Stop the servers with: scripts/test.sh --stop-servers"
    echo "# pids: ${STARTED_PIDS[*]}"
    echo "# dir: $WORK_DIR"
    echo "export MAINTENANCE_TEST_RABBITMQ='$MAINTENANCE_TEST_RABBITMQ'"
    [[ -n "${MAINTENANCE_TEST_RABBITMQ_MANAGEMENT:-}" ]] \
      && echo "export MAINTENANCE_TEST_RABBITMQ_MANAGEMENT='$MAINTENANCE_TEST_RABBITMQ_MANAGEMENT'"
    echo "export MAINTENANCE_TEST_POSTGRES='$MAINTENANCE_TEST_POSTGRES'"
    echo "export MAINTENANCE_TEST_REDIS='$MAINTENANCE_TEST_REDIS'"
    echo "export MASSTRANSIT_USAGE_TELEMETRY=false"
    echo "# For running the app by hand: . $APP_ENV_FILE (kept apart: test hosts read ConnectionStrings__* too)"
  } >"$SERVERS_ENV_FILE"
  {
    echo "# Written by scripts/test.sh --servers-only: the app's connection strings for the same servers."
    echo "export ConnectionStrings__RabbitMq='$MAINTENANCE_TEST_RABBITMQ'"
    [[ -n "$postgres_app" ]] && echo "export ConnectionStrings__Postgres='$postgres_app'"
    echo "export ConnectionStrings__Redis='$MAINTENANCE_TEST_REDIS'"
    [[ -n "${MAINTENANCE_TEST_RABBITMQ_MANAGEMENT:-}" ]] \
      && echo "export RabbitMq__ManagementUri='$MAINTENANCE_TEST_RABBITMQ_MANAGEMENT'"
    echo "export MASSTRANSIT_USAGE_TELEMETRY=false"
  } >"$APP_ENV_FILE"
}

# ---------------------------------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------------------------------
validate_compose_file() {
  if ! command -v docker-compose >/dev/null; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
      apt_install docker-compose
    else
      log "docker-compose is not installed (Debian package docker-compose): docker-compose.yml NOT validated"
      return 0
    fi
  fi
  docker-compose --project-directory "$ROOT" -f "$ROOT/docker-compose.yml" config -q \
    || die "docker-compose config rejects docker-compose.yml"
  log "docker-compose config accepts docker-compose.yml"
}

# Prints "Tests: N passed, N failed, N skipped" from the Microsoft Testing Platform summary.
print_closing_line() { # test-output-file
  local total failed succeeded skipped
  total=$(grep -E '^\s*total: [0-9]+' "$1" | tail -n 1 | grep -oE '[0-9]+' || true)
  failed=$(grep -E '^\s*failed: [0-9]+' "$1" | tail -n 1 | grep -oE '[0-9]+' || true)
  succeeded=$(grep -E '^\s*succeeded: [0-9]+' "$1" | tail -n 1 | grep -oE '[0-9]+' || true)
  skipped=$(grep -E '^\s*skipped: [0-9]+' "$1" | tail -n 1 | grep -oE '[0-9]+' || true)
  if [[ -z "$total" ]]; then
    log "no test summary found in the output of dotnet test"
    return 1
  fi
  echo "Tests: ${succeeded:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
}

# `Maintenance.Benchmarks bench --tickers 500`: the built `maintenance` executable as orchestrator and worker
# processes, in a database, Redis database and virtual host the bench creates and removes itself; three runs
# (first run of D-1, next day D, re-run). It must complete; its figures are printed, never asserted.
run_bench() {
  local bench_log="$WORK_DIR/bench.log" started=$SECONDS
  log "bench --tickers 500 (figures printed, not asserted; full output in $bench_log)"
  if ConnectionStrings__RabbitMq="$MAINTENANCE_TEST_RABBITMQ" \
     ConnectionStrings__Postgres="$MAINTENANCE_TEST_POSTGRES" \
     ConnectionStrings__Redis="$MAINTENANCE_TEST_REDIS" \
     dotnet src/Maintenance.Benchmarks/bin/Debug/net10.0/Maintenance.Benchmarks.dll bench --tickers 500 \
       --data "$WORK_DIR/bench" --json "$WORK_DIR/bench.json" --timeout 10 >"$bench_log" 2>&1; then
    grep -E 'end to end|next day|first run|re-run' "$bench_log" | sed 's/^/[test.sh]   /' >&2 || true
    log "bench completed in $((SECONDS - started)) s"
  else
    tail -n 60 "$bench_log" >&2
    log "bench failed"
    return 1
  fi
}

run_tests() {
  local started output status
  cd "$ROOT"
  validate_compose_file

  start_servers
  # The servers start while the solution builds.
  started=$SECONDS
  log "dotnet build Maintenance.Saga.sln"
  dotnet build Maintenance.Saga.sln -nologo -clp:ErrorsOnly -v:quiet || die "build failed"
  log "build took $((SECONDS - started)) s"

  wait_for_servers

  output="$WORK_DIR/dotnet-test.log"
  started=$SECONDS
  # The fault suite's quick subset runs with every test (scripts/faults.sh runs them all); MAINTENANCE_FAULTS=all for all here.
  export MAINTENANCE_FAULTS="${MAINTENANCE_FAULTS:-quick}"
  log "dotnet test --solution Maintenance.Saga.sln (MAINTENANCE_REQUIRE_INFRA=1, MAINTENANCE_FAULTS=$MAINTENANCE_FAULTS)"
  set +e
  MAINTENANCE_REQUIRE_INFRA=1 dotnet test --solution Maintenance.Saga.sln --no-build \
    "${dotnet_test_args[@]}" 2>&1 | tee "$output"
  status=${PIPESTATUS[0]}
  set -e
  log "tests took $((SECONDS - started)) s; dotnet test exited $status"
  if [[ $status -eq 8 ]]; then
    log "exit code 8: every test project must run tests; these ran none:"
    grep -oE '[^ ]+\.dll \([^)]*\) Zero tests ran' "$output" | sort -u | sed 's/^/[test.sh]   /' >&2 || true
  fi
  # The bench runs on an unfiltered run only, after the tests passed.
  if [[ $status -eq 0 && ${#dotnet_test_args[@]} -eq 0 ]] && ! run_bench; then
    status=1
  fi
  if ! print_closing_line "$output" && [[ $status -eq 0 ]]; then
    status=1
  fi
  return "$status"
}

case "$mode" in
  stop-servers)
    stop_recorded_servers
    ;;
  servers-only)
    if recorded_servers_alive; then
      log "servers already running; source $SERVERS_ENV_FILE (stop them with scripts/test.sh --stop-servers)"
      echo "$SERVERS_ENV_FILE"
      exit 0
    fi
    [[ -f "$SERVERS_ENV_FILE" ]] && stop_recorded_servers
    start_servers
    wait_for_servers
    write_env_file
    KEEP_SERVERS=true
    log "servers running; tests: . $SERVERS_ENV_FILE   the app by hand: . $APP_ENV_FILE   stop: scripts/test.sh --stop-servers"
    echo "$SERVERS_ENV_FILE"
    ;;
  test)
    run_tests
    ;;
esac
