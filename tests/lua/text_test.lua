-- Tests of trang.text, run by tests/unit/test_lua_text.c: each check raises
-- on its first wrong value; the chunk returns "text ok".
local text = require "trang.text"

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

-- collation: the example of issue 3
local words = {"đường", "da", "Dung", "đa", "dạ", "dương", "dà", "đương"}
table.sort(words, function(a, b) return text.compare(a, b) < 0 end)
eq(table.concat(words, ", "), "da, dà, dạ, Dung, dương, đa, đương, đường", "Vietnamese order")
eq(text.compare("Hà Nội", "hà nội"), 1, "lower case sorts first at the last level")
eq(text.compare("an", "an"), 0, "equal strings compare 0")
eq(text.compare("đa", "da"), 1, "đ after d")
eq(text.collate_key("da") < text.collate_key("đa"), true, "keys compare like compare")
eq(text.collate_key(text.nfd("dạ")), text.collate_key("dạ"), "NFD and NFC give one key")

-- graphemes
eq(text.len("tiếng Việt"), 10, "len counts graphemes")
eq(text.len(text.nfd("tiếng Việt")), 10, "len of NFD text is the same")
eq(#"tiếng Việt", 14, "(bytes, for comparison)")
eq(text.sub("tiếng Việt", -4), "Việt", "sub with a negative start")
eq(text.sub("tiếng Việt", -4, -2), "Việ", "sub with negative start and end")
eq(text.sub("tiếng Việt", 1, 5), "tiếng", "sub 1..5")
eq(text.sub("tiếng Việt", 0), "tiếng Việt", "sub from 0 is the whole string")
eq(text.sub("tiếng Việt", 7, 3), "", "an empty range")
eq(text.sub("tiếng Việt", 8, 100), "iệt", "an end past the length")
local got = {}
for g, s, e in text.graphemes(text.nfd("Việt")) do got[#got + 1] = g .. ":" .. s .. "-" .. e end
eq(table.concat(got, " "), "V:1-1 i:2-2 " .. text.nfd("ệ") .. ":3-7 t:8-8", "graphemes of NFD text with spans")
eq(text.width("Việt"), 4, "width")
eq(text.width("中文"), 4, "wide characters count 2")

-- normal forms and case
eq(text.nfc(text.nfd("Nẵng")), "Nẵng", "nfc(nfd(s)) == s")
eq(#text.nfd("ẵ"), 5, "nfd splits ẵ into a + breve + tilde")
eq(text.nfkc("ﬁ"), "fi", "nfkc of a ligature")
eq(text.nfkd("²"), "2", "nfkd of a superscript")
eq(text.upper("đà nẵng"), "ĐÀ NẴNG", "upper")
eq(text.lower("ĐÀ NẴNG"), "đà nẵng", "lower")
eq(text.casefold("Straße"), "strasse", "casefold is full folding")
eq(text.fold("Đà Nẵng"), "da nang", "fold removes marks and đ")
eq(text.fold(text.nfd("ĐIỆN ĐÀM")), "dien dam", "fold of NFD upper case")

-- clean-up
eq(text.clean("Ðà Nẵng"), "Đà Nẵng", "clean: Icelandic eth to Đ")
eq(text.clean("hoà thuỷ"), "hòa thủy", "clean: new tone style by default")
eq(text.clean("hòa", {tone = "old"}), "hoà", "clean: old style on request")
eq(text.clean("hoà", {tone = "keep"}), "hoà", "clean: tone kept")
eq(text.clean("a\u{00A0}b"), "a b", "clean: NBSP to a space")
eq(text.clean("a\u{00A0}b", {spaces = false}), "a\u{00A0}b", "clean: spaces option off")
raises("option 'spaces' must be a boolean", "clean: a bad option", text.clean, "a", {spaces = 1})

-- tokens: 1-based inclusive byte spans, as string.find gives
local s = "3,63 tỷ USD"
local toks = text.tokens(s)
eq(#toks, 3, "three tokens")
eq(toks[1].text, "3,63", "a number stays whole") eq(toks[1].kind, "number", "kind number")
eq(toks[1].s, 1, "number start") eq(toks[1].e, 4, "number end")
eq(toks[2].text, "tỷ", "a syllable") eq(toks[2].kind, "word", "kind word")
eq(toks[2].s, 6, "tỷ start") eq(toks[2].e, 9, "tỷ end (ỷ is 3 bytes)")
eq(toks[3].text, "USD", "USD") eq(toks[3].s, 11, "USD start") eq(toks[3].e, 13, "USD end")
for _, t in ipairs(toks) do eq(s:sub(t.s, t.e), t.text, "s:sub(t.s, t.e) is the token") end
local kinds = {}
for _, t in ipairs(text.tokens("Lúc 16:33 ngày 25/02/2026, TP.HCM tăng 2,3%.")) do kinds[#kinds + 1] = t.kind end
eq(table.concat(kinds, " "), "word time word date punct abbrev word percent punct", "token kinds")

-- sentences
local para = "Ông A đến TP. Hồ Chí Minh. Bà B về."
local ss = text.sentences(para)
eq(#ss, 2, "two sentences (TP. is an abbreviation)")
eq(ss[1].text, "Ông A đến TP. Hồ Chí Minh.", "first sentence")
eq(ss[2].s, 35, "second sentence start") eq(ss[2].e, 45, "second sentence end")
eq(para:find("Bà B về.", 1, true), 35, "(where string.find puts it)")
eq(para:sub(ss[2].s, ss[2].e), "Bà B về.", "the span is the sentence")
eq(ss[2].kind, "sentence", "kind")

-- validity
local ok, at = text.valid("\xff")
eq(ok, false, "valid of a bad byte") eq(at, 1, "at byte 1")
ok, at = text.valid("tiếng\xe1\x80")
eq(ok, false, "a cut-off sequence") eq(at, 8, "at its lead byte (tiếng is 7 bytes)")
eq(text.valid("tiếng Việt"), true, "valid text")
raises("invalid UTF-8 at byte 3", "nfc raises on bad input", text.nfc, "ab\xffc")
raises("invalid UTF-8 at byte 1", "tokens raises on bad input", text.tokens, "\xff")
raises("invalid UTF-8 at byte 2", "compare names the argument", text.compare, "a", "a\xff")
raises("number expected, got no value", "sub without i", text.sub, "x")

-- counter: frequencies counted in C, folded once per distinct spelling
local c = text.counter()
eq(c:add("Việt Nam và Nga. VIỆT NAM, 3,63 tỷ USD; việt nam!"), 10, "add counts word tokens only")
eq(c:get("việt"), 3, "case folded: Việt, VIỆT, việt")
eq(c:get("Việt"), 0, "keys are folded")
eq(c:total(), 10, "total") eq(c:size(), 6, "distinct folded keys")
local top = c:top(3)
eq(#top, 3, "top n") eq(top[1][1], "nam", "ties in byte order: nam before việt")
eq(top[1][2], 3, "its count") eq(top[2][1], "việt", "second") eq(top[3][1], "nga", "then count 1, byte order")
eq(#c:top(100), 6, "top n larger than the table")
c:add(text.nfd("Việt")) -- NFD folds to the same key as NFC
eq(c:get("việt"), 4, "NFD spelling joins the NFC key")
local s = text.counter{fold = "search"}
s:add("Đà Nẵng đà nẵng Da Nang")
eq(s:get("da"), 3, "search keys: Đà, đà and Da") eq(s:get("nang"), 3, "Nẵng, nẵng and Nang")
local b = text.counter{n = 2}
b:add("Tổng Bí thư Tô Lâm. Tổng Bí thư")
eq(b:get("tổng bí"), 2, "bigrams of neighbouring words") eq(b:get("lâm tổng"), 0, "never across punctuation")
eq(b:total(), 6, "4 pairs, then 2")
local k = text.counter{kinds = {"number", "percent"}, fold = "none"}
k:add("tăng 2,3% lên 3,63 tỷ, 2,3%")
eq(k:get("2,3%"), 2, "chosen kinds") eq(k:get("3,63"), 1, "numbers") eq(k:get("tăng"), 0, "not words")
raises("unknown token kind 'verb'", "a bad kind is named", text.counter, {kinds = {"verb"}})
raises("n must be 1 or 2", "n is checked", text.counter, {n = 3})
raises("invalid UTF-8 at byte 2", "add checks its text", c.add, c, "a\xff")
return "text ok"
