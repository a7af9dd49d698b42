-- GET /api/v2/search?query=WORD, rotating through words of very different
-- frequency in the seeded corpus (bench/corpus.mjs): Ukrainian, Russian,
-- Lithuanian (with and without diacritics: the index folds them) and
-- English. BENCH_SEARCH_WORDS (comma-separated) replaces the list;
-- BENCH_SEARCH_EXTRA is appended to every query string (e.g. "&per_page=25").
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require "common"

local default_words = {
	"замовлення", "refund", "посылка", "grąžinimas",
	"подписка", "zygimantas", "Ворохті", "Aberystwyth",
}
local paths = {}
local i = 0

common.install({ init = function()
	local words = default_words
	local env = os.getenv("BENCH_SEARCH_WORDS")
	if env and env ~= "" then
		words = {}
		for w in env:gmatch("[^,]+") do table.insert(words, w) end
	end
	local extra = os.getenv("BENCH_SEARCH_EXTRA") or ""
	for _, w in ipairs(words) do
		table.insert(paths, "/api/v2/search?query=" .. common.urlencode(w) .. extra)
	end
	-- threads start at different words
	i = (tid or 1) - 1
end })

request = function()
	i = i + 1
	return wrk.format("GET", paths[(i % #paths) + 1])
end
