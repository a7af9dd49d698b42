-- What the workspace fetches for a queue: its first page by keyset,
-- GET /api/v2/queues/{key}/tickets?page[size]=N, and every queue's count,
-- GET /api/v2/queues, one after the other on each connection (a request
-- in wrk's numbers is either). BENCH_QUEUE (default all-open: every
-- unsolved ticket), BENCH_PER_PAGE (default 25).
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require "common"
local page, turn
common.install({ init = function()
	page = string.format("/api/v2/queues/%s/tickets?page%%5Bsize%%5D=%d",
		os.getenv("BENCH_QUEUE") or "all-open", tonumber(os.getenv("BENCH_PER_PAGE") or "25"))
	turn = 0
end })

request = function()
	turn = turn + 1
	return wrk.format("GET", turn % 2 == 1 and page or "/api/v2/queues")
end
