-- GET a help-center article page (/hc/{locale}/articles/{id}-{slug}) as a
-- stranger's browser asks for it: one of the paths in the file
-- BENCH_HC_PATHS (one a line), at random. No authentication.
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require "common"
local paths = {}
common.install({ auth = false, init = function()
	local f = assert(io.open(os.getenv("BENCH_HC_PATHS") or "", "r"), "BENCH_HC_PATHS is not set")
	for line in f:lines() do
		if line ~= "" then table.insert(paths, line) end
	end
	f:close()
	if #paths == 0 then error("no paths in BENCH_HC_PATHS") end
	wrk.headers["Accept"] = "text/html"
end })

request = function()
	return wrk.format("GET", paths[math.random(1, #paths)])
end
