---@meta trang.time

---ISO 8601 dates and times. Offsets are minutes east of UTC (Vietnam: 420).
---@class trang.time
local time = {}

---@class trang.time.parsed
---@field year integer
---@field month integer
---@field day integer
---@field hour integer
---@field min integer
---@field sec integer
---@field frac number fraction of a second
---@field offset integer|nil minutes east of UTC; nil when the text names no zone
---@field has_time boolean
---@field epoch number seconds since the epoch

---Seconds since the epoch (UTC), with a fraction.
---@return number
function time.now() end

---Parses an ISO 8601 date or date-time ("2026-02-25", "2026-02-25T16:33+07:00").
---@param s string
---@param default_offset? integer used for epoch when s names no zone (default 0)
---@return trang.time.parsed|nil
---@return string? message
---@return string? code
function time.parse(s, default_offset) end

---Seconds since the epoch of an ISO string or a parsed table.
---@param s string|trang.time.parsed
---@param default_offset? integer
---@return number|nil
---@return string? message
---@return string? code
function time.epoch(s, default_offset) end

---Formats an epoch. fmt understands %Y %m %d %H %M %S %f (milliseconds) %j %F
---%T %z ("Z" or "+07:00") %s %%; default "%Y-%m-%dT%H:%M:%S%z".
---@param epoch number
---@param fmt? string
---@param offset? integer minutes east of UTC (default 0)
---@return string
function time.format(epoch, fmt, offset) end

return time
