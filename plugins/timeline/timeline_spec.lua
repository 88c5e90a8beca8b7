-- Run with `trang test plugins/timeline` (the fixture database holds data/).
local events = require("timeline.events")
local merge = require("timeline.merge")
local corpus = require("trang.corpus")

--- An event as events.of_article makes it, of article `article`.
local function event(article, value, sentence)
	return {
		value = value, granularity = "day", rule = "absolute", date_text = value, sentence = sentence,
		source = { article = article, path = article .. ".txt", paragraph = 1, reason = "date expression" },
	}
end

local OPTS = { overlap = 0.5, cluster_overlap = 0.2, sentence_jaccard = 0.5, cluster_of = {} }

local function articles_of(m)
	local ids = {}
	for i, s in ipairs(m.sources) do ids[i] = s.article end
	return ids
end

describe("timeline.events", function()
	it("numbers agree when they are the same set, or one side has none", function()
		local _, _, a = events.syllable_set("Ca bệnh 2906 và 2907 được công bố")
		local _, _, b = events.syllable_set("công bố ca bệnh 2907, 2906")
		local _, _, c = events.syllable_set("Ca bệnh 2920 được công bố")
		local _, _, none = events.syllable_set("Ca bệnh mới được công bố")
		assert.truthy(events.numbers_agree(a, b))
		assert.falsy(events.numbers_agree(a, c))
		assert.truthy(events.numbers_agree(a, none))
	end)

	it("keys a sentence's numbers sorted, '' when it has none", function()
		local _, n, _, key = events.syllable_set("ngày 8/8, 3,63 tỷ USD và 2,3%")
		assert.equals(7, n) -- ngày 8/8 3,63 tỷ usd và 2,3%
		assert.equals("2,3%\0313,63\0318/8", key)
		assert.equals("", select(4, events.syllable_set("Hai bên điện đàm")))
	end)

	it("takes the article's date as the DCT only when it has a day", function()
		assert.equals("2024-08-09", events.dct_of("2024-08-09T10:00:00+07:00"))
		assert.is_nil(events.dct_of("2024-08"))
		assert.is_nil(events.dct_of(nil))
	end)

	it("finds the dated events of 004 with their sentences, not the ones of its byline", function()
		local found = {}
		for _, ev in ipairs(events.of_article(corpus.get(5), nil)) do found[ev.value] = ev.sentence end
		assert.truthy(found["1950"]:find("thiết lập quan hệ ngoại giao", 1, true))
		assert.truthy(found["XXXX-08-08"]:find("điện đàm", 1, true))
	end)
end)

describe("timeline.merge.merge_events", function()
	it("merges the same date told in overlapping words by two articles", function()
		local merged = merge.merge_events({
			event(1, "2024-08-08", "Ngày 8/8, Tổng Bí thư Tô Lâm điện đàm với Tổng thống Nga Vladimir Putin."),
			event(2, "2024-08-08", "Tổng Bí thư Tô Lâm đã điện đàm với Tổng thống Nga Vladimir Putin ngày 8/8."),
		}, OPTS)
		assert.equals(1, #merged)
		assert.same({ 1, 2 }, articles_of(merged[1]))
	end)

	it("keeps two events of one article apart, however alike", function()
		local s = "Ngày 8/8, Tổng Bí thư Tô Lâm điện đàm với Tổng thống Nga Vladimir Putin."
		assert.equals(2, #merge.merge_events({ event(1, "2024-08-08", s), event(1, "2024-08-08", s) }, OPTS))
	end)

	it("keeps different dates apart, however alike the sentences", function()
		local s = "Tổng Bí thư Tô Lâm điện đàm với Tổng thống Nga Vladimir Putin."
		assert.equals(2, #merge.merge_events({ event(1, "2024-08-08", s), event(2, "2024-08-09", s) }, OPTS))
	end)

	it("keeps templated reports with different numbers apart", function()
		local merged = merge.merge_events({
			event(1, "2020-08-01", "Ngày 1/8, CA BỆNH 2906 là nam giới, 40 tuổi, trú tại Đà Nẵng."),
			event(2, "2020-08-01", "Ngày 1/8, CA BỆNH 2920 là nam giới, 40 tuổi, trú tại Đà Nẵng."),
		}, OPTS)
		assert.equals(2, #merged)
	end)

	it("merges at a lower overlap within a near-duplicate cluster", function()
		local a = "Ngày 8/8, tại Trụ sở Trung ương Đảng, Tổng Bí thư Tô Lâm đã điện đàm với Tổng thống Putin."
		local b = "Cuộc điện đàm diễn ra ngày 8/8 tại trụ sở Trung ương Đảng trong không khí hữu nghị."
		local list = { event(1, "2024-08-08", a), event(2, "2024-08-08", b) }
		assert.equals(2, #merge.merge_events(list, OPTS))
		local cl = { id = 1, members = {} }
		local opts = { overlap = 0.5, cluster_overlap = 0.2, cluster_of = { [1] = cl, [2] = cl } }
		assert.equals(1, #merge.merge_events({ event(1, "2024-08-08", a), event(2, "2024-08-08", b) }, opts))
	end)

	it("joins the first event it matches, in the order they came", function()
		-- the third report matches both earlier ones (numbers: none on its side)
		local merged = merge.merge_events({
			event(1, "2020", "Năm 2020, thương mại hai chiều Việt Nam và Nga tăng mạnh trong năm 2020."),
			event(2, "2020", "Năm 2020, thương mại hai chiều Việt Nam và Nga tăng mạnh, đạt 5 tỷ USD."),
			event(3, "2020", "Thương mại hai chiều Việt Nam và Nga tăng mạnh trong năm."),
		}, OPTS)
		assert.equals(2, #merged)
		assert.same({ 1, 3 }, articles_of(merged[1]))
	end)
end)

describe("timeline.merge.sort", function()
	it("puts full dates in order and partial ones (XXXX) last", function()
		local list = { event(1, "XXXX-08-08", "a"), event(2, "2012", "b"), event(3, "1950", "c") }
		local merged = merge.merge_events(list, OPTS)
		merge.sort(merged)
		assert.same({ "1950", "2012", "XXXX-08-08" }, { merged[1].value, merged[2].value, merged[3].value })
	end)
end)

describe("the timeline plugin on data/", function()
	it("makes the 8 August call one event with three sources", function()
		local merged = load_plugin().build({})
		local call
		for _, m in ipairs(merged) do if m.value == "XXXX-08-08" then call = m end end
		assert.equals(3, #call.sources)
		assert.equals(11, #merged)
	end)
end)
