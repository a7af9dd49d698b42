-- Shared by the wrk scenarios in this folder: the Authorization header, a
-- per-thread count of responses whose status is not 2xx, and one
-- machine-readable summary line that bench/run.sh parses:
--
--   BENCH requests=N duration_us=N rps=X p50_us=N p90_us=N p95_us=N p99_us=N
--         max_us=N mean_us=N non2xx=N status_ge400=N connect=N read=N write=N timeout=N
--
-- Environment: BENCH_TOKEN (API token, sent as "Authorization: Bearer ...").
-- A scenario calls common.install(), then may define request().
local M = {}

local threads = {}

function M.urlencode(s)
	return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

function M.install(opts)
	opts = opts or {}

	-- main state: remember every thread to read its counters at the end
	_G.setup = function(thread)
		table.insert(threads, thread)
		thread:set("tid", #threads)
	end

	-- thread state
	_G.init = function(args)
		local token = os.getenv("BENCH_TOKEN")
		if opts.auth ~= false then
			if not token or token == "" then
				error("BENCH_TOKEN is not set")
			end
			wrk.headers["Authorization"] = "Bearer " .. token
		end
		wrk.headers["Accept"] = "application/json"
		non2xx = 0
		first_bad = nil
		math.randomseed((tid or 1) * 7919 + os.time())
		if opts.init then opts.init(args) end
	end

	_G.response = function(status, headers, body)
		if status < 200 or status > 299 then
			non2xx = non2xx + 1
			if not first_bad then
				first_bad = tostring(status) .. " " .. string.sub(body or "", 1, 160)
			end
		end
	end

	_G.done = function(summary, latency, requests)
		local bad, sample = 0, nil
		for _, t in ipairs(threads) do
			bad = bad + (t:get("non2xx") or 0)
			sample = sample or t:get("first_bad")
		end
		local e = summary.errors
		local secs = summary.duration / 1e6
		if sample then
			io.write("BENCH-FIRST-NON2XX ", (sample:gsub("[\r\n]", " ")), "\n")
		end
		io.write(string.format(
			"BENCH requests=%d duration_us=%d rps=%.2f p50_us=%d p90_us=%d p95_us=%d p99_us=%d" ..
			" max_us=%d mean_us=%.0f non2xx=%d status_ge400=%d connect=%d read=%d write=%d timeout=%d\n",
			summary.requests, summary.duration, summary.requests / secs,
			latency:percentile(50), latency:percentile(90), latency:percentile(95),
			latency:percentile(99), latency.max, latency.mean, bad, e.status,
			e.connect, e.read, e.write, e.timeout))
	end
end

return M
