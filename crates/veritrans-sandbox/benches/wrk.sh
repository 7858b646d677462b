#!/usr/bin/env bash
# The sandbox's load table (docs/performance.md): for each gateway's main operation,
# `wrk` against the release-built sandbox, then at once against the axum JSON echo (the
# floor) with the same threads, connections and duration. Prints one Markdown row per
# gateway with req/s, p50, p99, the ratio, the load average before each run and the share
# of the servers' CPU time the hypervisor stole during each run (`steal` in /proc/stat: on a
# shared virtual machine, time the server did not get, which lands in the tail latency).
#
#   crates/veritrans-sandbox/benches/wrk.sh [DURATION] [CONNECTIONS] [THREADS] [GATEWAYS…]
#   defaults: 10s 64 2 pop unified jpayment mpi
#
# Needs wrk (https://github.com/wg/wrk) and jq. Run from the workspace root.
# WRK_EXAMPLES=dir runs prebuilt wrk_targets/axum_echo binaries from dir instead.
# WRK_PIN=1 pins the servers to CPU 1 and wrk to CPU 0 (`taskset`): on a 2-core machine,
# unpinned, wrk and the server preempt each other and the echo's own p99 is 8-16 ms; pinned
# it is about 2 ms, so a p99 target of 5 ms can be measured at all. Use 1 wrk thread.
# WRK_MAX_STEAL=P with WRK_TRIES=N runs a gateway's pair again, up to N times in all, until
# the hypervisor stole at most P percent during both runs; every attempt is printed, so a
# table shows how many a quiet pair took (the sandbox keeps its state across attempts).
set -euo pipefail

pin_server=(); pin_wrk=()
if [ "${WRK_PIN:-}" = 1 ]; then pin_server=(taskset -c 1); pin_wrk=(taskset -c 0); fi

duration=${1:-10s}
connections=${2:-64}
threads=${3:-2}
shift $(( $# < 3 ? $# : 3 ))
gateways=(pop unified jpayment mpi)
if [ $# -gt 0 ]; then gateways=("$@"); fi

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=servers.sh
. "$here/servers.sh"

start wrk_targets
start axum_echo
targets=$(head -n1 "$work/wrk_targets.out")
echo_url=$(head -n1 "$work/axum_echo.out" | jq -r .base_url)
sandbox_url=$(jq -r .base_url <<<"$targets")

# One wrk run; prints "req/s p50_ms p99_ms".
run() { # url path headers body
  local out
  out=$(WRK_PATH=$2 WRK_HEADERS=$3 WRK_BODY=$4 "${pin_wrk[@]}" wrk -t"$threads" -c"$connections" \
    -d"$duration" --latency -s "$here/wrk/post.lua" "$1")
  local line
  line=$(grep '^WRK_RESULT' <<<"$out")
  local requests duration_us non2xx errors p50 p99
  eval "$(sed 's/^WRK_RESULT //' <<<"$line")"
  if [ "$non2xx" -ne 0 ] || [ "$errors" -ne 0 ]; then
    echo "wrk $1$2: $non2xx non-2xx answers, $errors socket errors" >&2
    exit 1
  fi
  awk -v r="$requests" -v d="$duration_us" -v p50="$p50_us" -v p99="$p99_us" \
    'BEGIN { printf "%.0f %.2f %.2f\n", r / (d / 1e6), p50 / 1000, p99 / 1000 }'
}

loadavg() { cut -d' ' -f1 /proc/loadavg; }
# "steal total" jiffies so far of the servers' CPU (CPU 1 when pinned, else all CPUs);
# `stolen BEFORE` prints the percentage since.
stat_cpu=cpu
if [ "${WRK_PIN:-}" = 1 ]; then stat_cpu=cpu1; fi
cpustat() {
  awk -v cpu="$stat_cpu" '$1 == cpu { t = 0; for (i = 2; i <= NF; i++) t += $i; print $9, t }' /proc/stat
}
stolen() { # "steal total" at the start
  local now
  now=$(cpustat)
  awk -v a="$1" -v b="$now" 'BEGIN { split(a, x, " "); split(b, y, " ");
    printf "%.1f%%\n", (y[2] > x[2]) ? 100 * (y[1] - x[1]) / (y[2] - x[2]) : 0 }'
}

# The echo's body: the Unified API pay body, with its placeholder.
echo_body=$(jq -r .unified.body <<<"$targets")

echo "| gateway | operation | sandbox req/s | p50 ms | p99 ms | load | steal | echo req/s | p50 ms | p99 ms | load | steal | ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
max_steal=${WRK_MAX_STEAL:-100}
tries=${WRK_TRIES:-1}
# Whether both steal percentages are at most WRK_MAX_STEAL.
quiet() { awk -v a="${1%\%}" -v b="${2%\%}" -v m="$max_steal" 'BEGIN { exit !(a <= m && b <= m) }'; }

# One attempt for a gateway: the sandbox, then the echo. Prints the row; fails unless quiet.
pair() { # gateway
  local result path headers body load_s cpu_s rps p50 p99 steal_s load_e cpu_e erps ep50 ep99 steal_e ratio
  path=$(jq -r ".$1.path" <<<"$targets")
  headers=$(jq -r ".$1.headers[] | \"\(.[0]): \(.[1])\"" <<<"$targets")
  body=$(jq -r ".$1.body" <<<"$targets")
  load_s=$(loadavg)
  cpu_s=$(cpustat)
  # `|| exit`: `set -e` is off inside a function called as an `if` condition.
  result=$(run "$sandbox_url" "$path" "$headers" "$body") || exit 1
  read -r rps p50 p99 <<<"$result"
  steal_s=$(stolen "$cpu_s")
  load_e=$(loadavg)
  cpu_e=$(cpustat)
  result=$(run "$echo_url" /echo "Content-Type: application/json" "$echo_body") || exit 1
  read -r erps ep50 ep99 <<<"$result"
  steal_e=$(stolen "$cpu_e")
  ratio=$(awk -v a="$rps" -v b="$erps" 'BEGIN { printf "%.2f", a / b }')
  echo "| $1 | POST $path | $rps | $p50 | $p99 | $load_s | $steal_s | $erps | $ep50 | $ep99 | $load_e | $steal_e | ${ratio}× |"
  quiet "$steal_s" "$steal_e"
}

for gateway in "${gateways[@]}"; do
  for _ in $(seq "$tries"); do
    if pair "$gateway"; then break; fi
  done
done
