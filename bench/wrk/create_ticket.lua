-- POST /api/v2/tickets with a first comment (201 expected): a durable write
-- (fsync per commit, group commit across concurrent requests).
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require "common"

local subjects = {
	"Посилка досі не доставлена, замовлення №%d",
	"Возврат денег за заказ №%d",
	"Sugadinta prekė, užsakymas Nr. %d",
	"Refund for order #%d has not arrived",
}
local bodies = {
	"Добрий день! Посилка застрягла на сортувальному складі і статус не змінюється вже тиждень. " ..
	"Кур'єр не приїхав у призначений час, а в трекінгу написано, що доставка виконана. " ..
	"Будь ласка, перевірте, де зараз моє замовлення. Дякую.",
	"Здравствуйте! Я вернул наушники две недели назад, но деньги на карту так и не пришли. " ..
	"Менеджер обещал оформить возврат, но с тех пор никто не перезвонил. Жду ответа.",
	"Laba diena, dėžė atkeliavo suplėšyta, o kavos aparatas turi įtrūkimą korpuse. " ..
	"Pridedu sugadintos pakuotės ir pačios prekės nuotraukas. Prašau grąžinti pinigus. Ačiū.",
	"Hello, my card was charged the same amount twice for a single order. " ..
	"The discount code was not applied at checkout and I overpaid. Please refund the difference.",
}
local priorities = { "low", "normal", "normal", "high", "urgent" }
local n = 0

local function jstr(s)
	return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

common.install({ init = function()
	wrk.headers["Content-Type"] = "application/json"
end })

request = function()
	n = n + 1
	local k = math.random(1, #subjects)
	local body = '{"ticket":{"subject":' .. jstr(string.format(subjects[k], (tid or 1) * 10000000 + n)) ..
		',"comment":{"body":' .. jstr(bodies[k]) .. '}' ..
		',"priority":"' .. priorities[math.random(1, #priorities)] .. '"' ..
		',"tags":["bench","wrk"]}}'
	return wrk.format("POST", "/api/v2/tickets", nil, body)
end
