-- GET /api/v2/views/{id}/tickets?per_page=N&page=P: a page of a view.
-- BENCH_VIEW (the "All unsolved tickets" view bench/run.sh makes), BENCH_PER_PAGE (default
-- 25), BENCH_PAGES (default 1: the first page only, as an agent opening the
-- queue sees it; with N > 1 each request asks for a random page in 1..N).
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require "common"
local view, per_page, pages
common.install({ init = function()
	view = tonumber(os.getenv("BENCH_VIEW") or "3")
	per_page = tonumber(os.getenv("BENCH_PER_PAGE") or "25")
	pages = tonumber(os.getenv("BENCH_PAGES") or "1")
end })

request = function()
	local page = pages > 1 and math.random(1, pages) or 1
	return wrk.format("GET", string.format("/api/v2/views/%d/tickets?per_page=%d&page=%d",
		view, per_page, page))
end
