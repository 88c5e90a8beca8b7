--- duplicates.render: prints records as a terminal table, JSON or CSV, the
--- three outputs every analysis plugin offers. timeline and stats use it too.
local text = require("trang.text")
local json = require("trang.json")
local csv = require("trang.csv")
local log = require("trang.log")

local M = {}

--- The output format named by the arguments: "json", "csv" or "table", and
--- the arguments left once the format flags are taken out.
---@param args string[]
---@return string format
---@return string[] rest
function M.format_of(args)
	local fmt, rest = "table", {}
	for _, a in ipairs(args) do
		if a == "--json" then fmt = "json"
		elseif a == "--csv" then fmt = "csv"
		else rest[#rest + 1] = a end
	end
	return fmt, rest
end

--- The positions of the n items of list that weigh the most (ties: the
--- first), in list order; every position when list has n items or fewer.
--- A run over a large corpus prints these, and --all prints everything.
---@param list table[]
---@param n integer
---@param weight fun(item: table): number
---@return integer[] positions ascending
function M.most(list, n, weight)
	local idx = {}
	for i = 1, #list do idx[i] = i end
	if #list <= n then return idx end
	local w = {}
	for i, item in ipairs(list) do w[i] = weight(item) end
	table.sort(idx, function(x, y)
		if w[x] ~= w[y] then return w[x] > w[y] end
		return x < y
	end)
	for i = #idx, n + 1, -1 do idx[i] = nil end
	table.sort(idx)
	return idx
end

--- The line that says a listing is cut: on the table's last line, or in the
--- log (stderr) for JSON and CSV, whose output stays one document.
---@param fmt string
---@param shown integer
---@param total integer
---@param what string "events", "figures" ...
---@param by string how the shown ones were chosen
---@return string suffix for the table's summary line ("" when nothing is cut)
function M.cut_note(fmt, shown, total, what, by)
	if shown >= total then return "" end
	local note = string.format("%d of %d %s shown (%s); --all prints every one", shown, total, what, by)
	if fmt ~= "table" then
		log.info("%s", note)
		return ""
	end
	return "; " .. note
end

--- The file name of a path: what follows its last slash (the path itself
--- when nothing does). Anchored, so it costs one pass over the path.
---@param path string|nil
---@return string|nil
function M.base_name(path)
	local name = path and path:match("^.*/(.*)$")
	if name == nil or name == "" then return path end
	return name
end

local function cell(v)
	if v == nil or v == json.null then return "" end
	if type(v) == "number" and math.type(v) == "float" and v == math.floor(v) and math.abs(v) < 2^53 then
		return string.format("%d", v)
	end
	return tostring(v)
end

--- Cuts s to at most w terminal columns, with an ellipsis.
local function clip(s, w)
	if #s <= w or text.width(s) <= w then return s end
	-- a grapheme is one column in Vietnamese text: start from w - 1 of them
	-- and drop more only for wide characters
	local n = w - 1
	local cut = text.sub(s, 1, n)
	while n > 0 and text.width(cut) > w - 1 do
		n = n - 1
		cut = text.sub(s, 1, n)
	end
	return cut .. "…"
end

--- A terminal table: a header line, then one line per record; columns padded
--- by display width; `wide` names a column clipped to max_width.
---@param fields string[]
---@param records table[]
---@param max_width? table<string, integer>
---@return string
function M.table(fields, records, max_width)
	max_width = max_width or {}
	local widths, rows, cols = {}, {}, {}
	for i, f in ipairs(fields) do widths[i] = #f end
	for r, rec in ipairs(records) do
		local row, col = {}, {}
		for i, f in ipairs(fields) do
			local s = cell(rec[f]):gsub("[\r\n\t]", " ")
			if max_width[f] then s = clip(s, max_width[f]) end
			local w = s:find("[\128-\255]") and text.width(s) or #s
			row[i], col[i] = s, w
			if w > widths[i] then widths[i] = w end
		end
		rows[r], cols[r] = row, col
	end
	local function line(cells, col)
		local out = {}
		for i, s in ipairs(cells) do
			out[i] = i < #cells and (s .. string.rep(" ", widths[i] - col[i])) or s
		end
		return (table.concat(out, "  "):gsub("%s+$", ""))
	end
	local head, hw = {}, {}
	for i, f in ipairs(fields) do head[i], hw[i] = f:upper(), #f end
	local out = { line(head, hw) }
	for r, row in ipairs(rows) do out[#out + 1] = line(row, cols[r]) end
	return table.concat(out, "\n")
end

--- Records in the format asked for.
---@param fmt string "table", "json" or "csv"
---@param fields string[]
---@param records table[]
---@param max_width? table<string, integer>
---@return string
function M.records(fmt, fields, records, max_width)
	if fmt == "json" then
		return assert(json.encode(json.array(records), { indent = 2, sort_keys = true }))
	elseif fmt == "csv" then
		local flat = {}
		for i, rec in ipairs(records) do
			local f = {}
			for _, k in ipairs(fields) do
				local v = rec[k]
				if type(v) == "table" then v = json.encode(v) end
				f[k] = v
			end
			flat[i] = f
		end
		return (assert(csv.write_records(nil, fields, flat, { eol = "\n" })):gsub("\n$", ""))
	end
	return M.table(fields, records, max_width)
end

return M
