--- trang.csv: writing CSV (RFC 4180: fields with a separator, quote or line
--- break are quoted, quotes doubled; lines end with CRLF unless opts.eol = "\n").
--- The C half (host/api_csv.c) quotes and writes; this half adds whole tables
--- and records. Failures to write return nil, message, code.
local C = ...

local M = {}

---@class trang.csv.opts
---@field sep? string one character, default ","
---@field eol? string "\r\n" (default) or "\n"

---Encodes one row (a list of strings, numbers, booleans; nil is empty).
---@type fun(fields: any[], opts?: trang.csv.opts, n?: integer): string
M.encode_row = C.encode_row

---Opens a writer to a file path (needs fs.write), or to memory when path is nil.
---@type fun(path?: string, opts?: trang.csv.opts): any, string?, string?
M.writer = C.writer

---Encodes a list of rows to one string.
---@param rows any[][]
---@param opts? trang.csv.opts
---@return string
function M.encode(rows, opts)
	local w = C.writer(nil, opts)
	for i = 1, #rows do
		w:row(rows[i])
	end
	return w:contents()
end

---Writes records (tables keyed by field name) under a header line of fields.
---@param target string|nil a file path, or nil to get the CSV back as a string
---@param fields string[] the columns, in order
---@param records table[]
---@param opts? trang.csv.opts
---@return string|boolean|nil result the CSV (target nil) or true; nil on failure
---@return string? message
---@return string? code
function M.write_records(target, fields, records, opts)
	local w, message, code = C.writer(target, opts)
	if not w then
		return nil, message, code
	end
	local ok
	ok, message, code = w:row(fields)
	local n = #fields
	local row = {}
	for i = 1, #records do
		if not ok then
			break
		end
		local record = records[i]
		for j = 1, n do
			row[j] = record[fields[j]]
		end
		ok, message, code = w:row(row, n)
	end
	if not ok then
		w:close()
		return nil, message, code
	end
	if target == nil then
		return w:contents()
	end
	return w:close()
end

return M
