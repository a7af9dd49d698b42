-- GET BENCH_PATH on every request: one list page as bench/sla.sh asks for
-- it (a ticket list or a queue, with or without include=slas and the sort
-- by the next breach).
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require "common"
local path
common.install({ init = function()
	path = os.getenv("BENCH_PATH") or error("BENCH_PATH is not set")
end })

request = function()
	return wrk.format("GET", path)
end
