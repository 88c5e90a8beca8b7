--- report.html: escaping and the few HTML pieces every section uses.
local M = {}

local ESC = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }

--- s with the five HTML special characters escaped (nil becomes "").
---@param s any
---@return string
function M.esc(s)
	if s == nil then return "" end
	return (tostring(s):gsub("[&<>\"']", ESC))
end

--- The anchor of an article's section, or of one of its paragraphs.
---@param article integer
---@param paragraph? integer
---@return string
function M.anchor(article, paragraph)
	if paragraph then return string.format("a%d-p%d", article, paragraph) end
	return string.format("a%d", article)
end

local function base_name(path) return (path or ""):match("([^/]+)$") or path or "?" end
M.base_name = base_name

--- A link to a source paragraph: "[file ¶3]".
---@param src table {article=, path=, paragraph=}
---@return string
function M.source_link(src)
	return string.format('<a class="src" href="#%s">%s&nbsp;¶%s</a>', M.anchor(src.article, src.paragraph),
		M.esc(base_name(src.path)), src.paragraph and tostring(src.paragraph) or "")
end

local MONTHS = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" }
local PARTS = { MO = "morning", MI = "midday", AF = "afternoon", EV = "evening", NI = "night", DT = "daytime" }

--- A TIMEX3 value as people read it: "2024-08-08" -> "8 Aug 2024",
--- "XXXX-01-24TEV" -> "24 Jan (year unknown), evening".
---@param value string
---@return string
function M.date_text(value)
	local y, rest = value:match("^(%w%w%w%w)(.*)$")
	if not y then return value end
	local m, d = rest:match("^%-(%d%d)%-(%d%d)")
	local mo = m or rest:match("^%-(%d%d)")
	local part = rest:match("T(%u%u)$")
	local year = y == "XXXX" and "(year unknown)" or y
	local out
	if d then
		out = string.format("%d %s %s", tonumber(d), MONTHS[tonumber(mo)] or mo, year)
	elseif mo and MONTHS[tonumber(mo)] then
		out = MONTHS[tonumber(mo)] .. " " .. year
	else
		out = year .. rest
	end
	if part and PARTS[part] then out = out .. ", " .. PARTS[part] end
	return out
end

return M
