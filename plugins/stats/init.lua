--- stats: every figure in the corpus, what it measures, its year and sources.
---   trang plugin run stats [figures] [--json|--csv] [--all] [--match QUERY]
---                                  every figure stored; the `rows` most reported printed
---   trang plugin run stats units [--json|--csv]     counts and totals by unit
---   trang plugin run stats top [--json|--csv]       the largest values per unit
---   trang plugin run stats series [--json|--csv]    one measure over several years
--- The same figure in articles of one near-duplicate cluster (duplicates
--- plugin) is one row with several sources. Stored in plugin_stats_figures
--- and plugin_stats_sources.
local corpus = require("trang.corpus")
local store = require("trang.store")
local text = require("trang.text")
local log = require("trang.log")
local stored = require("duplicates.stored")
local render = require("duplicates.render")
local figures = require("stats.figures")
local measure = require("stats.measure")

local _, plugin = ...

local M = { commands = {} }

local P = store.prefix()
local SCHEMA = {
	"CREATE TABLE IF NOT EXISTS " .. P .. "figures (figure INTEGER PRIMARY KEY, kind TEXT NOT NULL, " ..
		"value REAL, lo REAL, hi REAL, unit TEXT, approx INTEGER, cmp TEXT, change TEXT, base TEXT, " ..
		"measure TEXT, year INTEGER, text TEXT, sentence TEXT, sources INTEGER NOT NULL)",
	-- each source keeps its own text: near-duplicates write one figure differently ("2786", "2.786")
	"CREATE TABLE IF NOT EXISTS " .. P .. "sources (figure INTEGER NOT NULL, article INTEGER NOT NULL, path TEXT, " ..
		"paragraph INTEGER, s INTEGER, e INTEGER, text TEXT NOT NULL)",
}

local function dct_of(date)
	if date and date:match("^%d%d%d%d%-%d%d%-%d%d") then return date:sub(1, 10) end
end

--- The key under which two reports are the same figure.
local fold = measure.remembered(text.fold)

local function figure_key(f, cluster_id)
	return (cluster_id or "") .. "\31" .. f.kind .. "\31" .. tostring(f.value) .. "\31" .. tostring(f.lo) .. "\31" ..
		tostring(f.hi) .. "\31" .. (f.unit or "") .. "\31" .. (f.change or "") .. "\31" .. fold(f.measure or "") ..
		"\31" .. tostring(f.year)
end

--- Every figure of the corpus, merged within near-duplicate clusters.
---@param select table corpus.articles options
---@return table[] merged figures with `sources`
---@return table st {articles=, figures=, seconds=}
function M.collect(select)
	local t0 = os.clock()
	local cluster_of = {}
	if plugin.options.clusters then cluster_of = stored.current().of end
	local t1 = os.clock()
	local merged, by_key, n, total = {}, {}, 0, 0
	for a in corpus.articles(select) do
		n = n + 1
		local cl = cluster_of[a.id]
		local nth = {} -- the k-th report of a figure in one article merges with the k-th elsewhere
		for _, f in ipairs(figures.figures_in(a, dct_of(a.date))) do
			total = total + 1
			local key = cl and figure_key(f, cl.id)
			if key then
				nth[key] = (nth[key] or 0) + 1
				key = key .. "#" .. nth[key]
			end
			local m = key and by_key[key]
			if m and not m.articles[a.id] then
				table.insert(m.sources, f.source)
				m.articles[a.id] = true
			else
				f.sources, f.articles = { f.source }, { [a.id] = true }
				f.source = nil
				merged[#merged + 1] = f
				if key and not by_key[key] then by_key[key] = f end
			end
		end
	end
	-- TRANG_LOG_LEVEL=debug shows where the time goes
	log.debug("CPU s: clusters %.2f, figures %.2f; heap %.0f MB", t1 - t0, os.clock() - t1,
		collectgarbage("count") / 1024)
	return merged, { articles = n, figures = total, seconds = os.clock() - t0 }
end

function M.save(merged)
	store.tx(function()
		-- recreated, not emptied: a table of an older version may lack a column
		store.exec("DROP TABLE IF EXISTS " .. P .. "figures")
		store.exec("DROP TABLE IF EXISTS " .. P .. "sources")
		for _, sql in ipairs(SCHEMA) do store.exec(sql) end
		for i, f in ipairs(merged) do
			store.exec("INSERT INTO " .. P .. "figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", i, f.kind,
				f.value, f.lo, f.hi, f.unit, f.approx and 1 or 0, f.cmp, f.change, f.base, f.measure, f.year,
				f.text, f.sentence, #f.sources)
			for _, s in ipairs(f.sources) do
				store.exec("INSERT INTO " .. P .. "sources VALUES (?, ?, ?, ?, ?, ?, ?)", i, s.article, s.path,
					s.paragraph, s.s, s.e, s.text)
			end
		end
	end)
end

local base_name = render.base_name

local function number_text(v)
	if v == nil then return nil end
	if v == math.floor(v) and math.abs(v) < 2^53 then return string.format("%d", v) end
	return string.format("%.10g", v)
end

--- One record for the merged figure at position i.
local function record_of(f, i)
	local files = {}
	for j, s in ipairs(f.sources) do files[j] = base_name(s.path) end
	local value = number_text(f.value) or (f.lo and (number_text(f.lo) .. "-" .. number_text(f.hi)))
		or (f.num and (number_text(f.num) .. "/" .. number_text(f.den)))
	local q = {}
	if f.approx then q[#q + 1] = "approx" end
	if f.cmp then q[#q + 1] = f.cmp end
	if f.change then q[#q + 1] = f.change .. (f.base and (" vs " .. f.base) or "") end
	return {
		figure = i, kind = f.kind, value = value, num_value = f.value, lo = f.lo, hi = f.hi,
		unit = f.unit, approx = f.approx or false, cmp = f.cmp, change = f.change, base = f.base,
		qualifiers = table.concat(q, " "), measure = f.measure, year = f.year, text = f.text,
		sentence = f.sentence, n = #f.sources, files = table.concat(files, " "), sources = f.sources,
	}
end

--- One record per merged figure (at the given positions, default all).
---@param merged table[]
---@param positions? integer[]
local function records_of(merged, positions)
	local out = {}
	if positions then
		for k, i in ipairs(positions) do out[k] = record_of(merged[i], i) end
	else
		for i, f in ipairs(merged) do out[i] = record_of(f, i) end
	end
	return out
end

local function parse_args(args)
	local fmt, rest = render.format_of(args)
	local sel = {}
	local i = 1
	while i <= #rest do
		if rest[i] == "--match" and rest[i + 1] then sel.match = rest[i + 1]; i = i + 2
		elseif rest[i] == "--since" and rest[i + 1] then sel.since = rest[i + 1]; i = i + 2
		elseif rest[i] == "--until" and rest[i + 1] then sel["until"] = rest[i + 1]; i = i + 2
		elseif rest[i] == "--all" then sel.all = true; i = i + 1
		else error("stats: unknown argument '" .. rest[i] .. "' (--json, --csv, --all, --match, --since, --until)", 0) end
	end
	local all = sel.all
	sel.all = nil
	return fmt, sel, all
end

--- Collects, stores and returns the figures: records of all of them, or
--- with `positions`, records of the `rows` most reported ones (every one
--- with --all).
local function run(args, positions)
	local fmt, sel, all = parse_args(args)
	local merged, st = M.collect(sel)
	M.save(merged)
	local shown = positions and render.most(merged, all and #merged or plugin.options.rows,
		function(f) return #f.sources end)
	local r = records_of(merged, shown)
	st.merged = #merged
	return fmt, r, st
end

--- `figures` (the default): every figure is stored; the most reported are
--- printed (every one with --all).
function M.commands.figures(...)
	local fmt, records, st = run({ ... }, true)
	local cut = render.cut_note(fmt, #records, st.merged, "figures", "the most sources")
	if fmt == "table" then
		return render.records(fmt, { "kind", "value", "unit", "qualifiers", "year", "measure", "n", "files" }, records,
			{ measure = 45, files = 40 }) ..
			string.format("\n%d figures (%d reports) from %d articles, %.2f s%s", st.merged, st.figures, st.articles,
				st.seconds, cut)
	end
	return render.records(fmt, { "figure", "kind", "value", "lo", "hi", "unit", "approx", "cmp", "change", "base",
		"measure", "year", "text", "n", "files", "sentence" }, records)
end

--- `units`: how many figures each unit has, and their total where it adds up.
function M.commands.units(...)
	local fmt, records = run({ ... })
	local by = {}
	for _, r in ipairs(records) do
		local u = r.unit or "(none)"
		local b = by[u] or { unit = u, figures = 0, sum = 0 }
		b.figures = b.figures + 1
		if r.num_value and r.kind ~= "percent" then b.sum = b.sum + r.num_value end
		by[u] = b
	end
	local out = {}
	for _, b in pairs(by) do b.sum = number_text(b.sum); out[#out + 1] = b end
	table.sort(out, function(x, y)
		if x.figures ~= y.figures then return x.figures > y.figures end
		return x.unit < y.unit
	end)
	return render.records(fmt, { "unit", "figures", "sum" }, out)
end

--- `topics [WORD]`: figures by topic word (pairs of syllables of what they
--- measure), most figures first, with their units and an example; with WORD,
--- the figures whose measure holds it.
function M.commands.topics(...)
	local fmt, rest = render.format_of({ ... })
	local word = rest[1] and not rest[1]:match("^%-%-") and table.remove(rest, 1)
	local _, records = run(rest)
	if word then
		local want, out = text.fold(word), {}
		for _, r in ipairs(records) do
			if r.measure and text.fold(r.measure):find(want, 1, true) then out[#out + 1] = r end
		end
		return render.records(fmt, { "measure", "year", "value", "unit", "qualifiers", "files" }, out,
			{ measure = 45, files = 40 })
	end
	local by = {}
	for _, r in ipairs(records) do
		for _, w in ipairs(measure.topic_words(r.measure or "")) do
			local t = by[w] or { topic = w, figures = 0, units = {}, example = r.measure }
			t.figures = t.figures + 1
			if r.unit then t.units[r.unit] = (t.units[r.unit] or 0) + 1 end
			by[w] = t
		end
	end
	local out = {}
	for _, t in pairs(by) do
		local units = {}
		for u, n in pairs(t.units) do units[#units + 1] = { u, n } end
		table.sort(units, function(x, y) return x[2] > y[2] or (x[2] == y[2] and x[1] < y[1]) end)
		local names = {}
		for i = 1, math.min(3, #units) do names[i] = units[i][1] .. " " .. units[i][2] end
		t.units = table.concat(names, ", ")
		out[#out + 1] = t
	end
	table.sort(out, function(x, y)
		if x.figures ~= y.figures then return x.figures > y.figures end
		return x.topic < y.topic
	end)
	for i = #out, plugin.options.top * 5 + 1, -1 do out[i] = nil end
	return render.records(fmt, { "topic", "figures", "units", "example" }, out, { example = 50, units = 40 })
end

--- `top`: the largest values of each unit (ranges by their high end).
function M.commands.top(...)
	local fmt, records = run({ ... })
	local by = {}
	for _, r in ipairs(records) do
		local v = r.num_value or r.hi
		if v and r.unit then
			by[r.unit] = by[r.unit] or {}
			table.insert(by[r.unit], r)
			r.sort_value = v
		end
	end
	local units = {}
	for u in pairs(by) do units[#units + 1] = u end
	table.sort(units)
	local out = {}
	for _, u in ipairs(units) do
		table.sort(by[u], function(x, y)
			if x.sort_value ~= y.sort_value then return x.sort_value > y.sort_value end
			return x.figure < y.figure
		end)
		for i = 1, math.min(plugin.options.top, #by[u]) do out[#out + 1] = by[u][i] end
	end
	return render.records(fmt, { "unit", "value", "qualifiers", "year", "measure", "files" }, out,
		{ measure = 45, files = 40 })
end

--- `series`: the same measure and unit in two or more different years.
function M.commands.series(...)
	local fmt, records = run({ ... })
	local by = {}
	for _, r in ipairs(records) do
		if r.year and r.measure ~= "" and r.measure ~= r.unit and r.kind ~= "percent" then
			local key = text.fold(r.measure) .. "\31" .. (r.unit or "")
			by[key] = by[key] or { years = {}, rows = {} }
			by[key].years[r.year] = true
			table.insert(by[key].rows, r)
		end
	end
	local out = {}
	for _, s in pairs(by) do
		local ny = 0
		for _ in pairs(s.years) do ny = ny + 1 end
		if ny >= 2 then
			for _, r in ipairs(s.rows) do out[#out + 1] = r end
		end
	end
	table.sort(out, function(x, y)
		local kx, ky = text.fold(x.measure), text.fold(y.measure)
		if kx ~= ky then return kx < ky end
		if x.year ~= y.year then return x.year < y.year end
		return x.figure < y.figure
	end)
	return render.records(fmt, { "measure", "year", "value", "unit", "qualifiers", "files" }, out,
		{ measure = 45, files = 40 })
end

M.commands.main = M.commands.figures
M.commands["--json"] = function(...) return M.commands.figures("--json", ...) end
M.commands["--csv"] = function(...) return M.commands.figures("--csv", ...) end
M.commands["--all"] = function(...) return M.commands.figures("--all", ...) end

return M
