-- Run with `trang test plugins/wordfreq`.
local count = require("count")

describe("count.add_text", function()
	it("counts casefolded syllables", function()
		local counts = {}
		assert.equals(4, count.add_text("Hà Nội, hà nội", counts))
		assert.same({ ["hà"] = 2, ["nội"] = 2 }, counts)
	end)

	it("counts bigrams within a phrase, not across punctuation", function()
		local counts, bigrams = {}, {}
		count.add_text("Hà Nội. Nội thành", counts, bigrams)
		assert.same({ ["hà nội"] = 1, ["nội thành"] = 1 }, bigrams)
	end)

	it("skips numbers", function()
		local counts = {}
		count.add_text("3,5 triệu", counts)
		assert.same({ ["triệu"] = 1 }, counts)
	end)
end)

describe("count.top", function()
	it("orders by count, then text", function()
		local top = count.top({ b = 2, a = 2, c = 5, d = 1 }, 3)
		assert.same({ { text = "c", count = 5 }, { text = "a", count = 2 }, { text = "b", count = 2 } }, top)
	end)
end)

describe("count.period_of", function()
	it("cuts an ISO date to the period", function()
		assert.equals("2026-02", count.period_of("2026-02-25T16:33", "month"))
		assert.equals("2026", count.period_of("2026-02-25", "year"))
		assert.is_nil(count.period_of(nil, "month"))
	end)

	it("refuses an unknown period", function()
		assert.has_error(function() count.period_of("2026", "week") end, "period must be")
	end)
end)

describe("the plugin on the fixture corpus", function()
	it("lists the top syllables of the fixture articles", function()
		local wordfreq = load_plugin()
		local out = wordfreq.commands.syllables("3")
		local n = 0
		for line in out:gmatch("[^\n]+") do
			n = n + 1
			assert.truthy(line:match("^%d+\t%S"), "line " .. line)
		end
		assert.equals(3, n)
	end)
end)
