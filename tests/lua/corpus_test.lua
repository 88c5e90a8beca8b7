-- Tests of trang.corpus over data/ ingested into a temporary database, run by
-- tests/unit/test_lua_corpus.c (which sets ART003 to the stored path of
-- data/003_4a1d6724c2426e03.txt).
local corpus = require "trang.corpus"

local function eq(got, want, what)
	if got ~= want then
		error(string.format("%s: got %q, want %q", what, tostring(got), tostring(want)), 2)
	end
end

local function raises(pattern, what, f, ...)
	local ok, err = pcall(f, ...)
	if ok or not tostring(err):find(pattern, 1, true) then
		error(string.format("%s: want an error with %q, got %s", what, pattern, tostring(err)), 2)
	end
end

-- counts and filters
eq(corpus.count(), 5, "five articles")
eq(corpus.count{source = "PLO"}, 1, "by source")
eq(corpus.count{since = "2026-02-25"}, 1, "since a day (undated articles left out)")
eq(corpus.count{["until"] = "2026-02-24"}, 0, "until the day before")
eq(corpus.count{["until"] = "2026-02-25"}, 1, "until is inclusive at its precision")
eq(corpus.count{["until"] = "2026-02"}, 1, "until a month")
eq(corpus.count{match = "Kremlin"}, 1, "full-text match")
eq(corpus.count{match = "dien dam"}, 5, "folded match: dien dam finds điện đàm")
eq(corpus.count{match = "dien dam", strict = true}, 0, "strict match keeps diacritics")
eq(corpus.count{match = "điện đàm", strict = true}, 5, "strict match with them")
eq(corpus.count{limit = 2}, 2, "count honours limit")
raises("'limit' must be a non-negative integer", "a bad limit", corpus.count, {limit = "x"})
raises("'source' must be a string", "a bad source", corpus.count, {source = 3})
raises("a quote is not closed", "an unclosed quote", corpus.articles, {match = '"Putin'})

-- iteration streams in id order; filters apply
local ids = {}
for a in corpus.articles() do ids[#ids + 1] = a.id end
eq(table.concat(ids, ","), "1,2,3,4,5", "all articles in id order")
local n = 0
for a in corpus.articles{match = "Kremlin"} do n = n + 1 eq(a.source, "PLO", "the Kremlin article") end
eq(n, 1, "one match")
n = 0
for _ in corpus.articles{limit = 2} do n = n + 1 end
eq(n, 2, "limit")
for a in corpus.articles() do if a.id == 2 then break end end -- closed by __close
n = 0
for _ in corpus.articles() do n = n + 1 end
eq(n, 5, "a new iteration after a break")

-- one article, lazily
local a = corpus.get(os.getenv("ART003"))
eq(a.id, 4, "get by path")
eq(corpus.get(4).title, a.title, "get by id")
eq(a.title, "Tổng thống V. Putin: 'Tôi coi Tổng Bí thư Tô Lâm là người bạn thân thiết'", "title")
eq(a.date, "2026-02-25T16:33", "date") eq(a.source, "PLO", "source")
eq(a.url, nil, "an absent field is nil") eq(a.author, nil, "no author")
eq(tostring(a), "article 4 (" .. os.getenv("ART003") .. ")", "tostring")
eq(#a.raw, 4136, "raw bytes")
eq(a.text:find("Tổng thống V. Putin", 1, true), 1, "text starts with the title")
eq(a.nosuchfield, nil, "other keys are nil")
raises("articles are read-only", "fields cannot be set", function() a.title = "x" end)
local none, msg, code = corpus.get("no/such/file.txt")
eq(none, nil, "a missing path") eq(code, "ENOENT", "... ENOENT")
eq(msg, "no article named no/such/file.txt", "... message")
eq(select(3, corpus.get(99)), "ENOENT", "a missing id")

-- paragraphs: kinds and 1-based inclusive spans into raw
local ps = a:paragraphs()
eq(#ps, 15, "15 paragraphs")
local kinds = {}
for _, p in ipairs(ps) do kinds[#kinds + 1] = p.kind end
eq(table.concat(kinds, " "),
   "title lead body caption body body body body body body caption body body body body", "kinds")
eq(ps[1].idx, 1, "idx is 1-based") eq(ps[1].s, 1, "title starts at byte 1") eq(ps[1].e, 110, "title end")
eq(ps[4].s, 674, "caption start") eq(ps[4].e, 760, "caption end")
eq(ps[4].text, "Tổng thống Nga V.Putin tại cuộc hội kiến ở Điện Kremlin. Ảnh: TTXVN.", "caption text")
for i, p in ipairs(ps) do eq(a.raw:sub(p.s, p.e), p.text, "raw:sub(s, e) of paragraph " .. i) end

-- sentences: the photo credit is a sentence of the caption paragraph
local ss = a:sentences()
eq(#ss, 24, "24 sentences")
local credit
for _, s in ipairs(ss) do if s.text == "Ảnh: TTXVN." then credit = s end end
eq(credit ~= nil, true, "Ảnh: TTXVN. is a sentence")
eq(credit.kind, "caption", "... in a caption") eq(credit.paragraph, 4, "... the fourth paragraph")
eq(credit.idx, 5, "... the fifth sentence")
eq(credit.s, 748, "... from byte 748") eq(credit.e, 760, "... to 760")
eq(a.raw:sub(credit.s, credit.e), "Ảnh: TTXVN.", "raw:sub gives it")
eq(a.raw:find("Ảnh: TTXVN.", 1, true), 748, "where string.find puts it")
return "corpus ok"
