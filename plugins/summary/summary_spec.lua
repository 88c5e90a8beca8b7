-- Run with `trang test plugins/summary`.
local rouge = require("summary.rouge")
local rank = require("summary.rank")

describe("summary.rouge", function()
	it("keeps Vietnamese letters: Việt and viet are different words", function()
		assert.same({ "việt", "nam" }, rouge.tokens("VIỆT Nam."))
		assert.equals(0, rouge.score("viet", "Việt", 1).f)
		assert.equals(0.5, rouge.score("viet nam", "Việt Nam", 1).f)
	end)

	it("folds case only", function()
		assert.equals(1, rouge.score("HÀ NỘI", "Hà Nội", 1).f)
	end)

	it("clips repeated n-grams to the reference's count", function()
		local s = rouge.score("đàm đàm đàm", "điện đàm", 1)
		assert.equals(1 / 3, s.p)
		assert.equals(1 / 2, s.r)
	end)

	it("scores bigrams for ROUGE-2", function()
		local s = rouge.score("Tổng thống Nga", "Tổng thống Mỹ", 2)
		assert.equals(0.5, s.p)
		assert.equals(0.5, s.r)
	end)
end)

local function cand(article, position, text, title)
	return { article = article, path = "a" .. article .. ".txt", position = position, paragraph = position,
		text = text, tokens = rouge.tokens(text), title = title or {} }
end

describe("summary.rank", function()
	local opts = { n = 2, redundancy = 0.5, min_syllables = 1 }

	it("lead takes the first sentences in order", function()
		local picked = rank.lead({ cand(1, 1, "một hai ba"), cand(1, 2, "bốn năm sáu"), cand(1, 3, "bảy tám") }, opts)
		assert.equals(2, #picked)
		assert.equals("một hai ba", picked[1].text)
		assert.equals("bốn năm sáu", picked[2].text)
	end)

	it("never repeats a sentence two near-duplicate articles share, and lists both sources", function()
		local title = rouge.tokens("điện đàm Nga")
		local cands = {
			cand(1, 1, "Tổng Bí thư điện đàm với Tổng thống Nga hôm nay.", title),
			cand(2, 1, "Tổng Bí thư điện đàm với Tổng thống Nga hôm nay!", title),
			cand(2, 2, "Hai bên bàn về thương mại.", title),
		}
		local picked = rank.default(cands, opts)
		assert.equals(2, #picked)
		assert.equals(1, picked[1].article)
		assert.equals(2, picked[1].also[1].article)
		assert.equals("Hai bên bàn về thương mại.", picked[2].text)
	end)
end)
