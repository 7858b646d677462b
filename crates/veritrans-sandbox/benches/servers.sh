# Sourced by wrk.sh and cpu.sh: builds (or finds, with WRK_EXAMPLES=dir) the release
# wrk_targets and axum_echo examples, and defines `start NAME`, which runs one in the
# background under the command in the array `pin_server` (empty: unpinned) and waits for
# its JSON start-up line in $work/NAME.out. Every started server is stopped on exit.
if [ -n "${WRK_EXAMPLES:-}" ]; then
  examples=$WRK_EXAMPLES
else
  cargo build --quiet --release -p veritrans-sandbox --example wrk_targets --example axum_echo
  examples=${CARGO_TARGET_DIR:-target}/release/examples
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start() { # NAME
  "${pin_server[@]}" "$examples/$1" >"$work/$1.out" 2>"$work/$1.err" &
  pids+=($!)
  for _ in $(seq 100); do
    if [ -s "$work/$1.out" ]; then return; fi
    sleep 0.1
  done
  echo "$1 did not start: $(cat "$work/$1.err")" >&2
  exit 1
}
