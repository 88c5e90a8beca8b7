--- report.chart: the timeline as an SVG chart. Years are columns in order
--- (an ordinal axis, so 1950 and 2026 both stay readable), events dots
--- stacked in their year, bigger with more sources; dates without a known
--- year go to a last column. Every dot links to the event in the list.
local html = require("report.html")

local M = {}

local WIDTH, TOP, BOTTOM, LEFT, RIGHT, STEP = 960, 24, 40, 16, 16, 22

--- The column of an event: its year, or "no year".
local function year_of(value)
	local y = value:match("^(%d%d%d%d)")
	if y then return y end
	local decade = value:match("^(%d%d%d)")
	return decade and (decade .. "0s") or "no year"
end

--- The SVG of the events (each {event=, value=, sentence=, sources=}).
---@param events table[]
---@return string
function M.timeline(events)
	local cols, by_year = {}, {}
	for _, e in ipairs(events) do
		local y = year_of(e.value)
		if not by_year[y] then
			by_year[y] = {}
			cols[#cols + 1] = y
		end
		table.insert(by_year[y], e)
	end
	table.sort(cols, function(a, b)
		if (a == "no year") ~= (b == "no year") then return b == "no year" end
		return a < b
	end)
	-- every column is wide enough for its label; the width left goes to the
	-- busy years, so their dots spread sideways instead of piling up
	local plot = WIDTH - LEFT - RIGHT
	local minw = math.min(44, 0.6 * plot / math.max(#cols, 1))
	local spare = plot - minw * #cols
	local colw, per_row, x0s, x = {}, {}, {}, LEFT
	local rows = 3 -- room above the dots, so a sparse timeline is not a thin strip
	for c, y in ipairs(cols) do
		colw[c] = minw + spare * (#by_year[y] - 1) / math.max(#events - #cols, 1)
		x0s[c] = x
		x = x + colw[c]
		per_row[c] = math.max(1, math.floor((colw[c] - 4) / STEP))
		rows = math.max(rows, math.ceil(#by_year[y] / per_row[c]))
	end
	local height = TOP + rows * STEP + BOTTOM
	local base = height - BOTTOM
	local out = {
		string.format('<svg class="timeline-chart" viewBox="0 0 %d %d" width="100%%" role="img" ' ..
			'xmlns="http://www.w3.org/2000/svg" aria-label="Timeline: %d events by year">', WIDTH, height, #events),
		string.format('<line class="axis" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>', LEFT, base + 4, WIDTH - RIGHT, base + 4),
	}
	local last_label = -math.huge
	for c, y in ipairs(cols) do
		local list = by_year[y]
		local cx = x0s[c] + colw[c] / 2
		out[#out + 1] = string.format('<line class="tick" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>', cx, base + 4, cx,
			base + 9)
		if cx - last_label >= 40 then -- labels of narrow years would overlap
			last_label = cx
			out[#out + 1] = string.format('<text class="year" x="%.1f" y="%.1f" text-anchor="middle">%s</text>', cx,
				base + 24, html.esc(y))
		end
		local used = math.min(#list, per_row[c])
		for i, e in ipairs(list) do
			local row, col = (i - 1) // per_row[c], (i - 1) % per_row[c]
			local dx = cx + (col - (used - 1) / 2) * STEP
			local yy = base - STEP / 2 - row * STEP
			local r = 6 + math.min(e.sources - 1, 3) * 1.5
			out[#out + 1] = string.format(
				'<a href="#event-%d"><circle class="event%s" id="dot-%d" data-date="%s" data-sources="%d" ' ..
				'cx="%.1f" cy="%.1f" r="%.1f"><title>%s: %s (%d source%s)</title></circle></a>',
				e.event, e.sources > 1 and " merged" or "", e.event, html.esc(e.value), e.sources, dx, yy, r,
				html.esc(html.date_text(e.value)), html.esc(e.sentence), e.sources, e.sources == 1 and "" or "s")
		end
	end
	out[#out + 1] = "</svg>"
	return table.concat(out, "\n")
end

return M
