-- GET /api/v2/tickets/{id} with a uniformly random id in 1..BENCH_MAX_ID.
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require "common"
local max_id
common.install({ init = function()
	max_id = tonumber(os.getenv("BENCH_MAX_ID") or "")
	if not max_id or max_id < 1 then error("BENCH_MAX_ID is not set") end
end })

request = function()
	return wrk.format("GET", "/api/v2/tickets/" .. math.random(1, max_id))
end
