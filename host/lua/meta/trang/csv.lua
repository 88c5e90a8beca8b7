---@meta trang.csv

---Writing CSV (RFC 4180). Writing to a path needs the capability fs.write:<dir>.
---@class trang.csv
local csv = {}

---@class trang.csv.opts
---@field sep? string one character, default ","
---@field eol? string "\r\n" (default) or "\n"

---@class trang.csv.writer
local writer = {}

---Writes one row.
---@param fields any[] strings, numbers, booleans; nil is empty
---@return true|nil
---@return string? message
---@return string? code
function writer:row(fields) end

---Everything written so far (memory writers only).
---@return string
function writer:contents() end

---Flushes and closes a file writer.
---@return true|nil
---@return string? message
---@return string? code
function writer:close() end

---Encodes one row, with its end of line.
---@param fields any[]
---@param opts? trang.csv.opts
---@param n? integer number of fields (for trailing nils)
---@return string
function csv.encode_row(fields, opts, n) end

---Opens a writer on a file path, or in memory when path is nil.
---@param path? string
---@param opts? trang.csv.opts
---@return trang.csv.writer|nil
---@return string? message
---@return string? code
function csv.writer(path, opts) end

---Encodes a list of rows to one string.
---@param rows any[][]
---@param opts? trang.csv.opts
---@return string
function csv.encode(rows, opts) end

---Writes records (tables keyed by field name) under a header line.
---@param target string|nil a file path, or nil to get the CSV back
---@param fields string[] the columns, in order
---@param records table[]
---@param opts? trang.csv.opts
---@return string|boolean|nil result the CSV (target nil) or true; nil on failure
---@return string? message
---@return string? code
function csv.write_records(target, fields, records, opts) end

return csv
