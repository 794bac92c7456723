-- wrk script for bench/http: sends the session cookie (if any) with every request,
-- counts every answer that is not 2xx (wrk itself only counts status > 399, so a
-- 303 to /login after a lost session would pass unnoticed), and prints one line that
-- bench/http parses:
--   BENCH requests=N duration_us=N rps=F mean_us=F p99_us=N non2xx=N connect=N read=N write=N timeout=N
-- Environment: BENCH_COOKIE, the Cookie header to send, e.g. "tilsyn_session=...".

local cookie = os.getenv("BENCH_COOKIE")
if cookie and cookie ~= "" then
	wrk.headers["Cookie"] = cookie
end

local threads = {}

-- setup() and done() run in the main environment; each thread has its own counter.
function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	non2xx = 0
end

function response(status, headers, body)
	if status < 200 or status > 299 then
		non2xx = non2xx + 1
	end
end

function done(summary, latency, requests)
	local bad = 0
	for _, thread in ipairs(threads) do
		bad = bad + (thread:get("non2xx") or 0)
	end
	local e = summary.errors
	local seconds = summary.duration / 1e6
	io.write(string.format(
		"BENCH requests=%d duration_us=%d rps=%.1f mean_us=%.1f p99_us=%d non2xx=%d"
			.. " connect=%d read=%d write=%d timeout=%d\n",
		summary.requests, summary.duration, summary.requests / seconds, latency.mean,
		latency:percentile(99.0), bad, e.connect, e.read, e.write, e.timeout))
end
