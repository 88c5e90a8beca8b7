---@meta trang.log

---Levelled log records: one stderr line each, naming the script or plugin
---("2026-01-05T03:20:30Z warn  [plugin wordfreq] ..."). In a plugin, print
---goes here too, at level info.
---@class trang.log
local log = {}

---@alias trang.log.level "debug"|"info"|"warn"|"error"

---string.format(fmt, ...) when there are arguments, else tostring(fmt).
---@param fmt any
---@param ... any
function log.debug(fmt, ...) end

---@param fmt any
---@param ... any
function log.info(fmt, ...) end

---@param fmt any
---@param ... any
function log.warn(fmt, ...) end

---@param fmt any
---@param ... any
function log.error(fmt, ...) end

---Returns the current threshold; sets it when name is given.
---@param name? trang.log.level
---@return trang.log.level previous
function log.level(name) end

return log
