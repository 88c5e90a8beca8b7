---@meta trang
-- LuaLS annotations for the trang host API (https://luals.github.io). Not run by
-- trang: .luarc.json points the language server here. One file per module,
-- matching host/api_<module>.c. The failure convention everywhere: expected
-- failures return nil, message, code; programmer errors raise.

---The host API, also reachable as require("trang") and require("trang.<module>").
---Every table is read-only: assigning to it raises.
---@class trang
---@field version string the trang version, "0.1.0"
---@field api integer the host API's major version
---@field json trang.json
---@field time trang.time
---@field csv trang.csv
---@field log trang.log
---@field store trang.store
---@field corpus trang.corpus
---@field text trang.text
---@field extract trang.extract
trang = {}

---Pauses for `seconds`. In a job of `trang serve` (or its on_article run) the job
---is suspended and the loop goes on with timers, file events and other jobs;
---it returns false instead of true when the service is stopping, so a long job
---can save its work and return before its deadline. Elsewhere (a script, a
---command) it waits in place under the run's time budget. It raises inside a
---coroutine of the job's own, a metamethod or an iterator run by C code, where
---the job cannot be suspended.
---@param seconds number how long, 0 or more
---@return boolean awake true after the full pause; false: the service is stopping
function trang.sleep(seconds) end

return trang
