-- PUT /api/v2/tickets/{id} with an internal note on a random ticket
-- 1..BENCH_MAX_ID: a ticket write, whose transaction also measures the
-- ticket's SLA (sla/refresh.h). A note starts, pauses or ends no metric,
-- so runs before and after the policies exist write the same thing.
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require "common"
local max_id
common.install({ init = function()
	max_id = tonumber(os.getenv("BENCH_MAX_ID") or error("BENCH_MAX_ID is not set"))
	wrk.headers["Content-Type"] = "application/json"
end })

local body = '{"ticket":{"comment":{"body":"Checked the courier\'s tracking.","public":false}}}'

request = function()
	return wrk.format("PUT", string.format("/api/v2/tickets/%d", math.random(1, max_id)), nil, body)
end
