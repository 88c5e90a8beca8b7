---@meta
-- What a plugin's init.lua receives and returns (see plugins/hello).

---The second value of init.lua's `...`: local name, plugin = ...
---@class trang.plugin.context
---@field name string
---@field version string
---@field dir string the plugin's folder
---@field options table<string, string|number|integer|boolean> declared options with their defaults

---What on_ingest_done receives.
---@class trang.plugin.summary
---@field added integer
---@field updated integer
---@field unchanged integer
---@field duplicates integer
---@field errors integer
---@field files integer
---@field seconds number

---What on_article receives during ingest: id and path, the other fields read
---on first access through the ingest's own connection.
---@class trang.plugin.article
---@field id integer
---@field path string
---@field title string|nil
---@field date string|nil
---@field url string|nil
---@field author string|nil
---@field source string|nil
---@field text string

---health(report) adds lines to `trang doctor`.
---@class trang.plugin.report
---@field ok fun(message: string)
---@field warn fun(message: string)
---@field error fun(message: string)
---@field info fun(message: string)

---The table init.lua returns. Every field is optional.
---@class trang.plugin.module
---@field on_article? fun(article: trang.plugin.article)
---@field on_ingest_done? fun(summary: trang.plugin.summary)
---@field commands? table<string, fun(...: string): ...> `trang plugin run NAME COMMAND ARGS`; results are printed
---@field jobs? table<string, fun()> one per job declared in plugin.lua (run by `trang serve`)
---@field health? fun(report: trang.plugin.report)
