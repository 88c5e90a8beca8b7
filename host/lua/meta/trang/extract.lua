---@meta trang.extract

---Figures, dates and names in Vietnamese news, each with the byte span it came
---from (1-based, inclusive: `text:sub(x.s, x.e) == x.text`). Raises on invalid
---UTF-8 and on unknown option keys.
---@class trang.extract
---@field lexicon trang.extract.lexicon
local extract = {}

---@class trang.extract.opts
---@field dct? string|table the article's date ("2024-08-09" or {year=, month=, day=}); dates without a year resolve against it

---@class trang.extract.figure
---@field kind "number"|"money"|"percent"|"quantity"|"ratio"
---@field value? number in base units (3,63 tỷ USD -> 3630000000); nil for a range
---@field lo? number the low end of a range (60.000-80.000 -> 60000)
---@field hi? number the high end of a range
---@field num? number a ratio's numerator (460/466)
---@field den? number a ratio's denominator
---@field unit? string ISO 4217 code for money, "%", "pp", or the counted noun ("suất")
---@field approx? boolean khoảng, gần, chừng, xấp xỉ, ước
---@field cmp? ">"|"<"|">="|"<=" hơn, trên, vượt / dưới, chưa đến
---@field change? "+"|"-" tăng / giảm
---@field base? string what a change is measured against ("2022" for "so với năm 2022")
---@field s integer first byte
---@field e integer last byte
---@field text string the surface form

---@class trang.extract.date
---@field value string a TIMEX3 value: "2024-08-08", "2024-06", "1950", "2026-01-24TEV", "XXXX-08-08" without a dct
---@field granularity string "minute", "partday", "day", "week", "month", "quarter", "year", "decade"
---@field mod? "START"|"MID"|"END" đầu, giữa, cuối
---@field lo? string a range's first value ("ngày 3 - 8/7/2017")
---@field hi? string a range's last value
---@field rule string how the value was resolved: "absolute", "nearest-to-dct", "cue:hồi=past", ...
---@field weekday? integer 1-7 when the text names a weekday
---@field weekday_agrees? boolean whether that weekday matches the date (nil when unchecked)
---@field s integer
---@field e integer
---@field text string

---@class trang.extract.entity
---@field kind "person"|"org"|"place"|"other"
---@field name string the name without its title ("Tô Lâm")
---@field title? string the title before it ("Tổng Bí thư")
---@field s integer
---@field e integer
---@field text string

---Every figure in text, in order.
---@param text string
---@param opts? trang.extract.opts
---@return trang.extract.figure[]
function extract.figures(text, opts) end

---Every time expression in text, resolved against opts.dct when given.
---@param text string
---@param opts? trang.extract.opts
---@return trang.extract.date[]
function extract.dates(text, opts) end

---People, organisations and places, with their titles.
---@param text string
---@param opts? trang.extract.opts
---@return trang.extract.entity[]
function extract.entities(text, opts) end

---@class trang.extract.result
---@field figures trang.extract.figure[]
---@field dates trang.extract.date[]
---@field entities trang.extract.entity[]

---Figures, dates and entities from one pass over the text (the fast way).
---@param text string
---@param opts? trang.extract.opts
---@return trang.extract.result
function extract.all(text, opts) end

---The word lists behind extraction, per plugin state: start from the built-in
---ones and add to them without recompiling.
---@class trang.extract.lexicon
local lexicon = {}

---Adds a phrase. kind: "unit", "currency", "percent", "scale", "approx", "cmp",
---"cmp_after", "change", "label", "word", "past_cue", "future_cue", "title",
---"entity". value depends on the kind: an ISO code for a currency, a number
---string for a scale ("1e3"), ">"/"<" for a comparison, "person"/"org"/"place"
---for a title or a name; nil for a unit reports the phrase as written.
---@param kind string
---@param phrase string
---@param value? string
---@return true|nil ok
---@return string? message when the kind refuses the value
---@return string? code "EINVAL", or "ENOSPC" past the state's cap on additions
function lexicon.add(kind, phrase, value) end

---The value a phrase has for a kind, true when it has none, or nil when absent.
---@param kind string
---@param phrase string
---@return string|true|nil
function lexicon.get(kind, phrase) end

return extract
