-- Run with `trang test plugins/stats` (the fixture database holds data/;
-- article 5 is 004, with the trade figures).
local measure = require("stats.measure")
local figures = require("stats.figures")
local corpus = require("trang.corpus")

local TRADE = "Thương mại hai chiều Việt - Nga năm 2023 đạt 3,63 tỷ USD, tăng 2,3% so với năm 2022."

describe("stats.measure.clause_bounds", function()
	it("cuts the clause at commas around the position", function()
		local pos = TRADE:find("3,63", 1, true)
		local s, e = measure.clause_bounds(TRADE, pos)
		-- the comma inside 3,63 is after pos, the one after USD ends the clause
		assert.equals("Thương mại hai chiều Việt - Nga năm 2023 đạt 3", TRADE:sub(s, e))
	end)

	it("starts after the last separator before the position", function()
		local pos = TRADE:find("2,3%", 1, true)
		local s = measure.clause_bounds(TRADE, pos)
		assert.equals(" tăng 2", TRADE:sub(s, pos))
	end)

	it("never leaves the bounds it is given", function()
		local s, e = measure.clause_bounds("a, b c d, e", 6, 5, 7)
		assert.equals(5, s)
		assert.equals(7, e)
	end)
end)

describe("stats.measure.subject_of", function()
	it("is the noun phrase before the verb, the year left out", function()
		local before = TRADE:sub(1, TRADE:find("3,63", 1, true) - 1)
		local ys, ye = before:find("2023", 1, true)
		local subject, change, by_verb = measure.subject_of(before, { { s = ys, e = ye } })
		assert.equals("Thương mại hai chiều Việt - Nga", subject)
		assert.falsy(change)
		assert.truthy(by_verb)
	end)

	it("sees a clause that starts with a change", function()
		local subject, change = measure.subject_of(" tăng ", {})
		assert.equals("", subject)
		assert.truthy(change)
	end)
end)

describe("stats.measure", function()
	it("noun_phrase takes the counted noun and its words up to a function word", function()
		assert.equals("suất học bổng", measure.noun_phrase("suất", " học bổng cho sinh viên Việt Nam"))
	end)

	it("topic_words are pairs of syllables, not across a dash or a stop word", function()
		assert.same({ "thương mại", "chiều việt" }, measure.topic_words("Thương mại hai chiều Việt - Nga"))
	end)

	it("year_of reads the year of a date value", function()
		assert.equals(2023, measure.year_of("2023-06"))
		assert.is_nil(measure.year_of("XXXX-08-08"))
		assert.is_nil(measure.year_of(nil))
	end)
end)

describe("stats.figures.figures_in 004", function()
	local by_text = {}
	for _, f in ipairs(figures.figures_in(corpus.get(5), nil)) do by_text[f.text] = f end

	it("links 3,63 tỷ USD to the trade of 2023", function()
		local f = by_text["3,63 tỷ USD"]
		assert.equals(3630000000, f.value)
		assert.equals("Thương mại hai chiều Việt - Nga", f.measure)
		assert.equals(2023, f.year)
	end)

	it("gives the change 2,3% the measure and year of the figure before it, on 2022", function()
		local f = by_text["2,3%"]
		assert.equals("+", f.change)
		assert.equals("2022", f.base)
		assert.equals("Thương mại hai chiều Việt - Nga", f.measure)
		assert.equals(2023, f.year)
	end)

	it("spans cut each figure out of the article's raw bytes", function()
		local raw = corpus.get(5).raw
		for text, f in pairs(by_text) do
			assert.equals(text, raw:sub(f.source.s, f.source.e))
		end
	end)
end)

describe("stats.figures.figures_in, raw bytes that differ from the text", function()
	-- an article stored from NFD bytes: its paragraph text (NFC) is not a piece of raw
	local nfc = "Xuất khẩu gạo đạt 3,5 triệu tấn. Đội QLTT đã xử phạt 17 triệu đồng."
	local raw = require("trang.text").nfd(nfc)
	local article = {
		id = 1, path = "nfd.txt", raw = raw,
		paragraphs = function() return { { kind = "body", idx = 0, s = 1, e = #raw, text = nfc } } end,
	}
	local by_text = {}
	for _, f in ipairs(figures.figures_in(article, nil)) do by_text[f.text] = f end

	it("gives each figure its own sentence, not the whole paragraph", function()
		assert.equals("Xuất khẩu gạo đạt 3,5 triệu tấn.", by_text["3,5 triệu tấn"].sentence)
		assert.equals("Đội QLTT đã xử phạt 17 triệu đồng.", by_text["17 triệu đồng"].sentence)
		assert.equals("Xuất khẩu gạo", by_text["3,5 triệu tấn"].measure)
	end)

	it("gives no span into raw bytes it cannot point into", function()
		assert.is_nil(by_text["17 triệu đồng"].source.s)
	end)
end)

describe("the stats plugin on data/", function()
	it("groups a figure repeated by the three near-duplicates into one with three sources", function()
		local merged, st = load_plugin().collect({})
		assert.equals(13, #merged)
		assert.equals(16, st.figures)
		local most = 0
		for _, f in ipairs(merged) do
			if f.unit == "nước" then most = math.max(most, #f.sources) end
		end
		assert.equals(3, most)
	end)
end)
