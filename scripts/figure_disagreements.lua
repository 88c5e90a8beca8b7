-- figure_disagreements.lua: articles that report one figure differently.
--
--   trang run scripts/figure_disagreements.lua [WORD]
--
-- Reads the figures the stats plugin stored (run `trang plugin run stats`
-- first): each figure with what it measures, its year and unit. Figures of
-- the same kind and unit, the same year and the same measure (compared
-- without tones or case) that come from two articles or more with different
-- values are a disagreement: one block each, one line per value with the
-- articles that give it. With WORD, only the measures that contain it.
-- The year is all the date a figure keeps, so daily counts of one year (case
-- numbers) show up too: read the sentences before calling it a contradiction.
-- Adapt: loosen "the same measure" (its first words only), or require the
-- articles to be near-duplicates (plugin_duplicates_members).
local store = require "trang.store"
local text = require "trang.text"

local only = arg and arg[1] and text.fold(arg[1])
local stored = store.query("SELECT 1 AS ok FROM sqlite_master WHERE type = 'table' AND name = 'plugin_stats_figures'")
if #stored == 0 then error("no figures stored: run `trang plugin run stats` first", 0) end
local rows, err = store.query([[
	SELECT f.figure, f.kind, f.value, f.lo, f.hi, f.unit, f.approx, f.measure, f.year, f.text, s.path
	FROM plugin_stats_figures f JOIN plugin_stats_sources s USING (figure)
	WHERE f.year IS NOT NULL AND f.measure <> '' AND f.measure <> coalesce(f.unit, '')
	ORDER BY f.figure, s.path]])
if not rows then
	error("no figures stored (" .. tostring(err) .. "): run `trang plugin run stats` first", 0)
end

--- s padded with spaces to w terminal columns.
local function pad(s, w)
	return s .. string.rep(" ", math.max(1, w - text.width(s)))
end

local function value_of(r)
	if r.value then return string.format("%.10g", r.value) end
	return string.format("%.10g-%.10g", r.lo or 0, r.hi or 0)
end

-- measure -> value -> files
local groups, order = {}, {}
for _, r in ipairs(rows) do
	local measure = text.fold(r.measure)
	if not only or measure:find(only, 1, true) then
		local key = table.concat({ r.kind, r.unit or "", r.year, measure }, "|")
		local g = groups[key]
		if not g then
			g = { label = string.format("%s, %d (%s)", r.measure, r.year, r.unit or r.kind), values = {}, files = {},
				order = {} }
			groups[key] = g
			order[#order + 1] = key
		end
		local v = value_of(r)
		if not g.values[v] then
			g.values[v] = { text = r.text, files = {} }
			g.order[#g.order + 1] = v
		end
		local file = r.path:match("([^/]+)$")
		g.values[v].files[#g.values[v].files + 1] = file
		g.files[file] = true
	end
end

local n = 0
for _, key in ipairs(order) do
	local g = groups[key]
	local articles = 0
	for _ in pairs(g.files) do articles = articles + 1 end
	if #g.order > 1 and articles > 1 then
		n = n + 1
		print(g.label)
		for _, v in ipairs(g.order) do
			print("  " .. pad(v, 16) .. pad(g.values[v].text, 24) .. table.concat(g.values[v].files, " "))
		end
	end
end
print(string.format("%d figures reported differently", n))
