#!/usr/bin/env bash
# Where the sandbox's time goes under load: the release sandbox pinned to CPU 1 serving one
# gateway's main operation to `wrk` (64 connections, one thread, pinned to CPU 0), sampled
# by `perf` on the CPU-clock software event, user space only. Unlike callgrind
# (callgrind.sh), this sees the state the load builds up (hundreds of thousands of orders)
# and time rather than instructions: cache misses, page faults' user-side cost. Prints the
# functions with the most samples and keeps the profile in perf.data.
#
#   crates/veritrans-sandbox/benches/profile.sh [SECONDS] [GATEWAY]
#   defaults: 8 unified
#
# Needs perf, wrk, jq and taskset. The hardware counters of this kind of virtual machine
# are not exposed and perf_event_paranoid is 2, which is why the event is `cpu-clock:u`.
# For symbols in the listing, build with line tables, e.g.
#   CARGO_PROFILE_RELEASE_DEBUG=line-tables-only CARGO_TARGET_DIR=target/dbg \
#     crates/veritrans-sandbox/benches/profile.sh
# and for call graphs run `perf report --call-graph=dwarf` on a profile recorded with
# PERF_CALL_GRAPH=dwarf. WRK_EXAMPLES=dir profiles a wrk_targets built elsewhere.
set -euo pipefail

seconds=${1:-8}
gateway=${2:-unified}
here=$(cd "$(dirname "$0")" && pwd)
pin_server=(taskset -c 1)
# shellcheck source=servers.sh
. "$here/servers.sh"

start wrk_targets
sandbox_pid=${pids[0]}
targets=$(head -n1 "$work/wrk_targets.out")
env WRK_PATH="$(jq -r ".$gateway.path" <<<"$targets")" \
  WRK_HEADERS="$(jq -r ".$gateway.headers[] | \"\(.[0]): \(.[1])\"" <<<"$targets")" \
  WRK_BODY="$(jq -r ".$gateway.body" <<<"$targets")" \
  taskset -c 0 wrk -t1 -c64 -d"$((seconds + 3))s" -s "$here/wrk/post.lua" \
  "$(jq -r .base_url <<<"$targets")" >"$work/wrk.out" &
wrk_pid=$!
# Past the first second, when the sandbox is warm.
sleep 1
graph=()
if [ -n "${PERF_CALL_GRAPH:-}" ]; then graph=(--call-graph "$PERF_CALL_GRAPH"); fi
perf record -q -e cpu-clock:u -F 1000 "${graph[@]}" -p "$sandbox_pid" -o perf.data \
  -- sleep "$seconds"
wait "$wrk_pid"
grep 'Requests/sec' "$work/wrk.out"
perf report -i perf.data --no-children --sort dso,sym -g none --percent-limit 0.7 --stdio \
  2>/dev/null | grep -v '^#' | grep -v '^$'
