--- duplicates.render: prints records as a terminal table, JSON or CSV, the
--- three outputs every analysis plugin offers. timeline and stats use it too.
local text = require("trang.text")
local json = require("trang.json")
local csv = require("trang.csv")

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

local function cell(v)
	if v == nil or v == json.null then return "" end
	if type(v) == "number" and math.type(v) == "float" and v == math.floor(v) and math.abs(v) < 2^53 then
		return string.format("%d", v)
	end
	return tostring(v)
end

--- Cuts s to at most w terminal columns, with an ellipsis.
local function clip(s, w)
	if text.width(s) <= w then return s end
	local n = text.len(s)
	while n > 0 and text.width(text.sub(s, 1, n)) > w - 1 do n = n - 1 end
	return text.sub(s, 1, n) .. "…"
end

--- A terminal table: a header line, then one line per record; columns padded
--- by display width; `wide` names a column clipped to max_width.
---@param fields string[]
---@param records table[]
---@param max_width? table<string, integer>
---@return string
function M.table(fields, records, max_width)
	max_width = max_width or {}
	local widths, rows = {}, {}
	for i, f in ipairs(fields) do widths[i] = text.width(f:upper()) end
	for r, rec in ipairs(records) do
		local row = {}
		for i, f in ipairs(fields) do
			local s = cell(rec[f]):gsub("[\r\n\t]", " ")
			if max_width[f] then s = clip(s, max_width[f]) end
			row[i] = s
			widths[i] = math.max(widths[i], text.width(s))
		end
		rows[r] = row
	end
	local function line(cells)
		local out = {}
		for i, s in ipairs(cells) do
			out[i] = i < #cells and (s .. string.rep(" ", widths[i] - text.width(s))) or s
		end
		return (table.concat(out, "  "):gsub("%s+$", ""))
	end
	local head = {}
	for i, f in ipairs(fields) do head[i] = f:upper() end
	local out = { line(head) }
	for _, row in ipairs(rows) do out[#out + 1] = line(row) end
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
