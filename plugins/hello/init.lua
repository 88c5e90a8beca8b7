--- hello: the smallest complete plugin. It has an option (greeting), a job
--- declaration (in plugin.lua), a command (`trang plugin run hello greet NAME`),
--- hooks for ingest, a health check and a spec (hello_spec.lua).
local log = require("trang.log")
local greeting = require("greeting")

local _, plugin = ...
local seen = 0

local M = { commands = {}, jobs = {} }

--- Called once per stored article during `trang ingest`.
---@param article table {id=, path=, title=, date=, text=, ...}
function M.on_article(article)
	seen = seen + 1
	log.debug("saw %s", article.path or tostring(article.id))
end

--- Called when an ingest run ends.
---@param summary table
function M.on_ingest_done(summary)
	log.info("%s: %s, %d articles seen", plugin.options.greeting, greeting.summary_line(summary), seen)
end

--- `trang plugin run hello greet [NAME]`: prints the greeting.
---@param who string|nil
---@return string
function M.commands.greet(who)
	return greeting.greet(plugin.options.greeting, who)
end

M.commands.main = M.commands.greet

--- The job declared in plugin.lua, run by the scheduler (`trang serve`).
function M.jobs.daily_greeting()
	log.info(greeting.greet(plugin.options.greeting, "mọi người"))
end

--- `trang doctor` calls this.
---@param report table {ok=, warn=, error=, info=}
function M.health(report)
	if plugin.options.greeting == "" then
		report.warn("the greeting option is empty")
	else
		report.ok("greeting is '" .. plugin.options.greeting .. "'")
	end
end

return M
