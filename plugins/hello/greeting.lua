--- Greetings, kept apart from the hooks so the spec can test them alone.
local greeting = {}

--- Greets someone.
---@param salutation string the greeting ("Xin chào")
---@param who string|nil whom to greet (default "bạn")
---@return string
function greeting.greet(salutation, who)
	return string.format("%s, %s!", salutation, who or "bạn")
end

--- Describes what an ingest did, for the log.
---@param summary table the on_ingest_done summary {added=, updated=, ...}
---@return string
function greeting.summary_line(summary)
	return string.format("%d added, %d updated", summary.added or 0, summary.updated or 0)
end

return greeting
