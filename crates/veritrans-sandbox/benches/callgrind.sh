#!/usr/bin/env bash
# Instructions per request of one gateway's main operation (the one benches/wrk.sh drives),
# counted by callgrind: steadier than requests per second or CPU time on a shared machine,
# where those move by 2x between runs (docs/performance.md, "Seventh session").
#
#   crates/veritrans-sandbox/benches/callgrind.sh [REQUESTS] [GATEWAY]
#   defaults: 1000 unified
#
# Starts examples/wrk_targets under valgrind, sends 200 warm-up requests and then REQUESTS
# counted ones (one keep-alive connection, curl, each with a new order ID / idempotency
# key), and prints the sandbox's user-space instructions per counted request (all
# threads). Needs valgrind (callgrind_control, callgrind_annotate), curl and jq.
# WRK_EXAMPLES=dir runs a wrk_targets built elsewhere (another commit), as wrk.sh does.
# GATEWAY=echo counts the axum echo instead (wrk.sh's floor), sent the Unified pay body.
set -euo pipefail

requests=${1:-1000}
gateway=${2:-unified}

if [ -n "${WRK_EXAMPLES:-}" ]; then
  examples=$WRK_EXAMPLES
else
  cargo build --quiet --release -p veritrans-sandbox --example wrk_targets --example axum_echo
  examples=${CARGO_TARGET_DIR:-target}/release/examples
fi

work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

server=wrk_targets
if [ "$gateway" = echo ]; then
  server=axum_echo
  # The echo's body, as in wrk.sh: the Unified API pay body that wrk_targets prints.
  "$examples/wrk_targets" >"$work/bodies" 2>/dev/null &
  bodies_pid=$!
  for _ in $(seq 100); do
    if [ -s "$work/bodies" ]; then break; fi
    sleep 0.1
  done
  kill -INT "$bodies_pid" 2>/dev/null || true
  wait "$bodies_pid" 2>/dev/null || true
fi
valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$examples/$server" \
  >"$work/started" 2>"$work/valgrind" &
pid=$!
for _ in $(seq 600); do
  if [ -s "$work/started" ]; then break; fi
  sleep 0.2
done
if ! [ -s "$work/started" ]; then
  echo "$server did not start: $(cat "$work/valgrind")" >&2
  exit 1
fi
targets=$(head -n1 "$work/started")
if [ "$gateway" = echo ]; then
  targets=$(jq -c --arg base "$(jq -r .base_url <<<"$targets")" \
    '{base_url: $base, echo: {path: "/echo", headers: [["Content-Type", "application/json"]],
      body: .unified.body}}' <"$work/bodies")
fi
url=$(jq -r .base_url <<<"$targets")$(jq -r ".$gateway.path" <<<"$targets")

# A curl config sending COUNT requests on one connection (`next` between them), every
# "WRKID0" of the body and headers replaced by TAG-n, as benches/wrk/post.lua does.
config() { # TAG COUNT
  jq -r --arg tag "$1" --argjson n "$2" --arg url "$url" --arg gw "$gateway" '
    .[$gw] as $g
    | range($n) as $i
    | ($tag + "-" + ($i | tostring)) as $id
    | (if $i > 0 then ["next"] else [] end
       + ["url = \"" + $url + "\"", "request = \"POST\"", "silent", "fail",
          "output = \"/dev/null\"",
          "data-binary = " + ($g.body | gsub("WRKID0"; $id) | tojson)]
       + [$g.headers[] | "header = " + ((.[0] + ": " + .[1]) | gsub("WRKID0"; $id) | tojson)])
    | .[]' <<<"$targets"
}
config warm 200 >"$work/warm.cfg"
config run "$requests" >"$work/run.cfg"

curl -K "$work/warm.cfg"
callgrind_control -z "$pid" >/dev/null 2>&1
curl -K "$work/run.cfg"
callgrind_control -d "$pid" >/dev/null 2>&1
sleep 1
dump=$(find "$work" -name 'cg.out.*' | sort | tail -n1)
total=$(callgrind_annotate "$dump" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
echo "$gateway: $((total / requests)) instructions per request ($requests requests)"
