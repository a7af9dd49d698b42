-- The ceiling: GET /livez, no authentication and no database. Every other
-- scenario is compared with this one at the same connection count.
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require "common"
common.install({ auth = false })
wrk.method = "GET"
wrk.path = "/livez"
