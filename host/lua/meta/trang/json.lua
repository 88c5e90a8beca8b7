---@meta trang.json

---JSON with a real library (jansson). Lua -> JSON: nil and json.null become
---null, integers stay integers, tables marked with json.array (or with keys
---1..n) become arrays. JSON -> Lua: null becomes json.null, so array positions
---and object keys survive.
---@class trang.json
---@field null lightuserdata the JSON null
local json = {}

---@class trang.json.encode_opts
---@field indent? integer spaces per level (default: compact)
---@field sort_keys? boolean object keys in byte order
---@field precision? integer significant digits of floats (default 17: round-trips)

---Encodes a value.
---@param value any
---@param opts? trang.json.encode_opts
---@return string|nil json
---@return string? message on failure (a function, a cycle, NaN ...)
---@return string? code "ETYPE", "ECYCLE", ...
function json.encode(value, opts) end

---Decodes JSON text.
---@param text string
---@return any value
---@return string? message on failure
---@return integer? position 1-based byte offset of the error
function json.decode(text) end

---Marks t (or a new table) as a JSON array and returns it.
---@generic T: table
---@param t? T
---@return T
function json.array(t) end

---Marks t (or a new table) as a JSON object (so {} encodes as {}) and returns it.
---@generic T: table
---@param t? T
---@return T
function json.object(t) end

---True when t was marked by json.array or decoded from [...].
---@param t table
---@return boolean
function json.is_array(t) end

return json
