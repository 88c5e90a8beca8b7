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

return trang
