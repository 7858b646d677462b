#!/usr/bin/env bash
# CPU time per request (user + system, all threads) of the sandbox serving one gateway's
# main operation, and of the axum echo serving the Unified API body, each pinned to CPU 1
# with `wrk` pinned to CPU 0: on a shared machine a steadier figure than requests per
# second (docs/performance.md, "Seventh session"). The echo's CPU per request divided by
# the sandbox's approximates the throughput ratio of benches/wrk.sh when the pinned
# server core is the bottleneck.
#
#   crates/veritrans-sandbox/benches/cpu.sh [DURATION] [GATEWAY]
#   defaults: 5s unified
#
# Needs wrk, jq and taskset. WRK_EXAMPLES=dir runs wrk_targets/axum_echo built elsewhere
# (another commit), as wrk.sh does.
set -euo pipefail

duration=${1:-5s}
gateway=${2:-unified}
here=$(cd "$(dirname "$0")" && pwd)
pin_server=(taskset -c 1)
# shellcheck source=servers.sh
. "$here/servers.sh"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Prints "µs-per-request requests/s" for the server PID at URL.
measure() { # PID URL PATH HEADERS BODY
  local env=(WRK_PATH="$3" WRK_HEADERS="$4" WRK_BODY="$5")
  env "${env[@]}" taskset -c 0 wrk -t1 -c64 -d1s -s "$here/wrk/post.lua" "$2" >/dev/null
  local before after out
  before=$(cpu_ticks "$1")
  out=$(env "${env[@]}" taskset -c 0 wrk -t1 -c64 -d"$duration" --latency -s "$here/wrk/post.lua" "$2")
  after=$(cpu_ticks "$1")
  local requests duration_us non2xx errors p50_us p99_us
  eval "$(grep '^WRK_RESULT' <<<"$out" | sed 's/^WRK_RESULT //')"
  if [ "$non2xx" -ne 0 ] || [ "$errors" -ne 0 ]; then
    echo "wrk $2$3: $non2xx non-2xx answers, $errors socket errors" >&2
    exit 1
  fi
  awk -v t="$(getconf CLK_TCK)" -v a="$before" -v b="$after" -v r="$requests" -v d="$duration_us" \
    'BEGIN { printf "%.1f %.0f\n", (b - a) / t * 1e6 / r, r / (d / 1e6) }'
}

start wrk_targets
sandbox_pid=${pids[0]}
start axum_echo
echo_pid=${pids[1]}
targets=$(head -n1 "$work/wrk_targets.out")
headers=$(jq -r ".$gateway.headers[] | \"\(.[0]): \(.[1])\"" <<<"$targets")

read -r s_us s_rps <<<"$(measure "$sandbox_pid" "$(jq -r .base_url <<<"$targets")" \
  "$(jq -r ".$gateway.path" <<<"$targets")" "$headers" "$(jq -r ".$gateway.body" <<<"$targets")")"
read -r e_us e_rps <<<"$(measure "$echo_pid" "$(jq -r .base_url "$work/axum_echo.out")" /echo \
  "Content-Type: application/json" "$(jq -r .unified.body <<<"$targets")")"
awk -v g="$gateway" -v s="$s_us" -v sr="$s_rps" -v e="$e_us" -v er="$e_rps" \
  -v l="$(cut -d' ' -f1 /proc/loadavg)" \
  'BEGIN { printf "%s: %.1f us/request (%.0f req/s), echo %.1f us/request (%.0f req/s), echo/sandbox %.2f, load %s\n", g, s, sr, e, er, e / s, l }'
