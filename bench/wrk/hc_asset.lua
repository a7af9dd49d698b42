-- The help center's ceiling: GET /assets/app.css, a static file from the
-- binary with no database and no authentication, which every help-center
-- page loads too.
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require "common"
common.install({ auth = false })
wrk.method = "GET"
wrk.path = "/assets/app.css"
