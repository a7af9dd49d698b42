-- The help center's ceiling: GET /assets/favicon.svg, a small static file
-- from the binary (no database, no authentication) that every help-center
-- page links too.
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require "common"
common.install({ auth = false })
wrk.method = "GET"
wrk.path = "/assets/favicon.svg"
