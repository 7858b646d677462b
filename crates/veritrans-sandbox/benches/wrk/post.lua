-- wrk script for benches/wrk.sh: POSTs WRK_BODY to WRK_PATH with WRK_HEADERS
-- ("Name: value" lines), replacing every "WRKID0" in the body and the header values
-- by a value unique to the request (run, thread, counter), so that order IDs and
-- idempotency keys are never reused.

local threads = 0
local run = tostring(os.time() % 100000)

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  path = os.getenv("WRK_PATH")
  template = os.getenv("WRK_BODY")
  header_lines = os.getenv("WRK_HEADERS") or ""
  counter = 0
end

function request()
  counter = counter + 1
  local id = "w" .. run .. "-" .. thread_id .. "-" .. counter
  local headers = {}
  for name, value in string.gmatch(header_lines, "([^:\n]+):%s*([^\n]*)") do
    headers[name] = string.gsub(value, "WRKID0", id)
  end
  local body = string.gsub(template, "WRKID0", id)
  return wrk.format("POST", path, headers, body)
end

function done(summary, latency, requests)
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d non2xx=%d errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
