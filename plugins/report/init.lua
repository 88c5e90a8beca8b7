--- report: one self-contained HTML page of what the analyses found.
---   trang report [--out report.html]           (runs missing analyses first)
---   trang plugin run report [html] > report.html
--- Sections: the corpus in brief (with an extractive summary), the timeline
--- as an SVG chart and a list, the figures, summaries of the largest
--- near-duplicate clusters, the top entities, and the source articles every
--- item links to (each paragraph is an anchor). No scripts, no network: one
--- file that reads the same in a browser and on paper.
local corpus = require("trang.corpus")
local time = require("trang.time")
local candidates = require("summary.candidates")
local rank = require("summary.rank")
local idf = require("summary.idf")
local stored = require("duplicates.stored")
local html = require("report.html")
local data = require("report.data")
local chart = require("report.chart")

local _, plugin = ...

local M = { commands = {} }

local esc = html.esc

local CSS = [[
:root { --ink: #1d232a; --muted: #5b6470; --line: #d8dde3; --accent: #0b6e99; --soft: #eef5f9; --mark: #fff3bf; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 "Noto Sans", "DejaVu " ..
	"Sans", "Segoe UI", Arial, sans-serif; color: var(--ink); background: #fff; }
header.top { background: #12344d; color: #fff; padding: 28px 32px 20px; }
header.top h1 { margin: 0 0 4px; font-size: 28px; }
header.top p { margin: 0; color: #c9d8e4; }
nav.toc { position: sticky; top: 0; background: #f7f9fb; border-bottom: 1px solid var(--line);
  padding: 8px 32px; z-index: 2; }
nav.toc a { margin-right: 18px; color: var(--accent); text-decoration: none; font-weight: 600; font-size: 14px; }
main { max-width: 1080px; margin: 0 auto; padding: 8px 32px 48px; }
h2 { font-size: 22px; border-bottom: 2px solid var(--ink); padding-bottom: 4px; margin-top: 40px; }
h3 { font-size: 17px; margin: 24px 0 6px; }
.figures-strip { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.figures-strip div { background: var(--soft); border-radius: 6px; padding: 10px 16px; min-width: 120px; }
.figures-strip b { display: block; font-size: 24px; }
.figures-strip span { color: var(--muted); font-size: 13px; }
.note { color: var(--muted); font-size: 14px; }
.summary li { margin-bottom: 6px; }
a.src { color: var(--accent); font-size: 12px; white-space: nowrap; text-decoration: none;
  border: 1px solid #b7d3e2; border-radius: 3px; padding: 0 4px; margin-left: 2px; }
a.src:hover { background: var(--soft); }
svg.timeline-chart { display: block; margin: 12px 0 4px; background: #fbfcfd; border: 1px solid var(--line);
  border-radius: 6px; }
svg .axis { stroke: #7b8794; stroke-width: 1.5; }
svg .tick { stroke: #7b8794; }
svg .year { font-size: 13px; fill: var(--muted); }
svg circle.event { fill: #5fa8d3; stroke: #1b4965; stroke-width: 1; }
svg circle.event.merged { fill: #e07a5f; stroke: #8d3b25; }
svg a:hover circle { stroke-width: 3; }
.legend { font-size: 13px; color: var(--muted); }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin: 0 4px 0 12px;
  vertical-align: middle; }
ol.events { padding-left: 0; list-style: none; }
ol.events li { display: grid; grid-template-columns: 190px 1fr; gap: 12px; padding: 8px 0;
  border-bottom: 1px solid var(--line); }
ol.events .when { font-weight: 600; }
ol.events .when small { display: block; font-weight: 400; color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 8px 0; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { background: #f2f5f8; font-size: 13px; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.cluster { border: 1px solid var(--line); border-radius: 6px; padding: 4px 16px 10px; margin: 14px 0; }
.cluster ul.members { font-size: 14px; color: var(--muted); padding-left: 18px; }
.entities { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 16px; }
.entities td.with { color: var(--muted); font-size: 12px; }
section.article { border-top: 1px solid var(--line); padding-top: 6px; margin-top: 18px; }
section.article h3 { margin-bottom: 0; }
section.article .meta { color: var(--muted); font-size: 13px; margin: 2px 0 8px; word-break: break-all; }
p.para { margin: 4px 0; padding: 2px 6px; border-left: 3px solid transparent; }
p.para .kind { color: var(--muted); font-size: 11px; text-transform: uppercase; margin-right: 6px; }
p.para.lead { font-weight: 600; }
p.para.caption, p.para.byline, p.para.source { color: var(--muted); font-size: 14px; }
:target { background: var(--mark); border-left-color: #f0b429; }
footer { color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); margin-top: 40px;
  padding-top: 10px; }
@media print {
  @page { margin: 16mm 14mm; }
  body { font-size: 10.5pt; }
  nav.toc { display: none; }
  header.top { background: none; color: #000; padding: 0 0 8px; border-bottom: 2px solid #000; }
  header.top p { color: #333; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  ol.events li, tr, .cluster, p.para { break-inside: avoid; }
  a.src { border: none; color: #333; padding: 0; }
  a { color: inherit; text-decoration: none; }
  svg.timeline-chart { border: none; background: none; }
  section#sources { break-before: page; }
  :target { background: none; }
}
]]

--- The page's state: the sources its links point to.
local function new_page()
	local page = { refs = {}, parts = {} }
	function page.add(s) page.parts[#page.parts + 1] = s end
	--- A link to a source, remembering the article for the sources section.
	function page.link(src)
		page.refs[src.article] = true
		return html.source_link(src)
	end
	function page.links(list)
		local out = {}
		for i, s in ipairs(list) do out[i] = page.link(s) end
		return table.concat(out, " ")
	end
	return page
end

local function missing(page, plugin_name)
	page.add(string.format('<p class="note">Nothing stored yet: run <code>trang plugin run %s</code> ' ..
		'(or <code>trang report</code>, which runs it).</p>', plugin_name))
end

--- A summary as a list of sentences, each with its sources.
local function summary_list(page, picked)
	page.add('<ol class="summary">')
	for _, c in ipairs(picked) do
		local srcs = { { article = c.article, path = c.path, paragraph = c.paragraph } }
		for _, o in ipairs(c.also or {}) do
			srcs[#srcs + 1] = { article = o.article, path = o.path, paragraph = o.paragraph }
		end
		page.add(string.format("<li>%s %s</li>", esc(c.text), page.links(srcs)))
	end
	page.add("</ol>")
end

--- The default summary of articles; with cluster_of (article id -> its
--- near-duplicate cluster), one sentence per story before a second from any.
local function summarize(articles, weights_idf, cluster_of)
	local cands = {}
	for _, a in ipairs(articles) do
		local cl = cluster_of and cluster_of[a.id]
		for _, c in ipairs(candidates.of_article(a)) do
			c.story = cl and ("cluster " .. cl.id) or ("article " .. a.id)
			cands[#cands + 1] = c
		end
	end
	return rank.default(cands, { n = plugin.options.sentences, redundancy = 0.5, min_syllables = 5, idf = weights_idf,
		one_per_story = cluster_of ~= nil })
end

local function section_brief(page, info, counts, weights_idf)
	page.add('<section id="brief"><h2>In brief</h2><div class="figures-strip">')
	local function tile(n, label) page.add(string.format("<div><b>%s</b><span>%s</span></div>", esc(n), esc(label))) end
	tile(info.articles, "articles")
	tile(counts.events or "–", "dated events")
	tile(counts.figures or "–", "figures")
	tile(counts.clusters or "–", "near-duplicate clusters")
	tile(counts.entities or "–", "people, organisations, places")
	page.add("</div>")
	local span = info.first and (esc(info.first:sub(1, 10)) .. " to " .. esc(info.last:sub(1, 10))) or "no dates"
	local srcs = {}
	for _, s in ipairs(info.sources) do srcs[#srcs + 1] = string.format("%s (%d)", esc(s.source), s.n) end
	page.add(string.format('<p class="note">Articles dated %s; %d undated. %d paragraphs, %d sentences.%s</p>', span,
		info.undated or 0, info.paragraphs, info.sentences,
		#srcs > 0 and (" Sources: " .. table.concat(srcs, ", ") .. ".") or ""))
	local articles = {}
	for a in corpus.articles{} do articles[#articles + 1] = a end
	if #articles > 0 then
		page.add("<h3>Summary of the corpus</h3>")
		summary_list(page, summarize(articles, weights_idf, stored.current().of))
	end
	page.add("</section>")
end

local function section_timeline(page, events, total)
	page.add('<section id="timeline"><h2>Timeline</h2>')
	if not events then missing(page, "timeline") page.add("</section>") return end
	page.add(string.format('<p class="note">%d dated events; %s. An event told by several articles is one dot ' ..
		'with all its sources.</p>', total, #events < total and
		string.format("the %d with most sources are shown", #events) or "all shown"))
	page.add(chart.timeline(events))
	page.add('<p class="legend"><i style="background:#5fa8d3"></i>one source<i style="background:#e07a5f"></i>' ..
		'several sources (merged)</p>')
	page.add('<ol class="events">')
	for _, e in ipairs(events) do
		page.add(string.format('<li id="event-%d" class="event-item" data-date="%s"><div class="when">%s<small>%s · %s' ..
			'</small></div><div>%s %s</div></li>', e.event, esc(e.value), esc(html.date_text(e.value)),
			esc(e.granularity or ""), esc(e.rule or ""), esc(e.sentence), page.links(e.source_list)))
	end
	page.add("</ol></section>")
end

local function number_text(v)
	if v == nil then return "" end
	if v == math.floor(v) and math.abs(v) < 2 ^ 53 then
		local s = string.format("%d", v)
		-- thousands separated by thin spaces, readable in any locale
		return (s:reverse():gsub("(%d%d%d)", "%1 "):reverse():gsub("^ ", ""):gsub("^%- ", "-"))
	end
	return string.format("%.6g", v)
end

local function section_figures(page, figures, total)
	page.add('<section id="figures"><h2>Figures</h2>')
	if not figures then missing(page, "stats") page.add("</section>") return end
	page.add(string.format('<p class="note">%d figures; the %d shown are money and percentages first, then the ' ..
		'most reported (<code>trang plugin run stats</code> lists them all).</p>', total, #figures))
	page.add("<table><thead><tr><th>as written</th><th>value</th><th>unit</th><th>qualifiers</th><th>measures</th>" ..
		"<th>year</th><th>sources</th></tr></thead><tbody>")
	for _, f in ipairs(figures) do
		local value = f.value and number_text(f.value) or (f.lo and (number_text(f.lo) .. "–" .. number_text(f.hi))) or ""
		local q = {}
		if f.approx == 1 then q[#q + 1] = "approx." end
		if f.cmp then q[#q + 1] = f.cmp end
		if f.change then q[#q + 1] = f.change .. (f.base and (" vs " .. f.base) or "") end
		page.add(string.format('<tr id="figure-%d"><td>%s</td><td class="num">%s</td><td>%s</td><td>%s</td><td>%s</td>' ..
			'<td>%s</td><td>%s</td></tr>', f.figure, esc(f.text), esc(value), esc(f.unit), esc(table.concat(q, " ")),
			esc(f.measure), esc(f.year), page.links(f.source_list)))
	end
	page.add("</tbody></table></section>")
end

local function section_clusters(page, clusters, total, weights_idf)
	page.add('<section id="clusters"><h2>Main stories</h2>')
	if not clusters then missing(page, "duplicates") page.add("</section>") return end
	page.add(string.format('<p class="note">%d near-duplicate clusters (articles telling the same story); the %d ' ..
		'largest, each summarised in %d sentences. A sentence several articles share is shown once, with all ' ..
		'its sources.</p>', total, #clusters, plugin.options.sentences))
	for _, c in ipairs(clusters) do
		local articles = {}
		for _, m in ipairs(c.members) do articles[#articles + 1] = corpus.get(m.article) end
		local rep = c.members[1]
		page.add(string.format('<div class="cluster" id="cluster-%d"><h3>%s</h3>', c.cluster,
			esc(rep.title or html.base_name(rep.path))))
		summary_list(page, summarize(articles, weights_idf))
		page.add('<ul class="members">')
		for _, m in ipairs(c.members) do
			page.refs[m.article] = true
			page.add(string.format('<li><a href="#%s">%s</a> %s%s</li>', html.anchor(m.article), esc(html.base_name(m.path)),
				esc(m.date or "undated"), m.representative == 1 and " (representative)" or ""))
		end
		page.add("</ul></div>")
	end
	page.add("</section>")
end

local KIND_NAMES = { person = "People", org = "Organisations", place = "Places" }

local function section_entities(page, by_kind)
	page.add('<section id="entities"><h2>Who and where</h2>')
	if not by_kind then missing(page, "entities") page.add("</section>") return end
	page.add('<div class="entities">')
	for _, kind in ipairs({ "person", "org", "place" }) do
		page.add(string.format("<div><h3>%s</h3><table><thead><tr><th>name</th><th>mentions</th><th>articles</th>" ..
			"<th>first – last</th></tr></thead><tbody>", KIND_NAMES[kind]))
		for _, e in ipairs(by_kind[kind]) do
			local with = {}
			for _, w in ipairs(e.with) do with[#with + 1] = esc(w.name) end
			local dates = e.first_date and (esc(e.first_date) .. (e.last_date ~= e.first_date and (" – " ..
				"" .. esc(e.last_date)) or ""))
				or "undated"
			page.add(string.format('<tr><td>%s%s %s%s</td><td class="num">%d</td><td class="num">%d</td><td>%s</td></tr>',
				esc(e.name), e.title and (' <span class="note">(' .. esc(e.title) .. ")</span>") or "",
				e.first_source and page.link(e.first_source) or "",
				#with > 0 and ('<br><span class="note">with ' .. table.concat(with, ", ") .. "</span>") or "",
				e.mentions, e.articles, dates))
		end
		page.add("</tbody></table></div>")
	end
	page.add("</div></section>")
end

local function section_sources(page)
	local ids = {}
	for id in pairs(page.refs) do ids[#ids + 1] = id end
	table.sort(ids)
	page.add(string.format('<section id="sources"><h2>Sources</h2><p class="note">The %d articles the items above ' ..
		'cite, paragraph by paragraph (¶ numbers are the paragraphs\' positions in the database).</p>', #ids))
	for _, id in ipairs(ids) do
		local a = corpus.get(id)
		if a then
			page.add(string.format('<section class="article" id="%s"><h3>%s</h3><p class="meta">%s · %s%s%s</p>',
				html.anchor(id), esc(a.title or html.base_name(a.path)), esc(a.path), esc(a.date or "undated"),
				a.source and (" · " .. esc(a.source)) or "", a.url and (" · " .. esc(a.url)) or ""))
			for _, p in ipairs(a:paragraphs()) do
				page.add(string.format('<p class="para %s" id="%s"><span class="kind">¶%d %s</span>%s</p>', esc(p.kind),
					html.anchor(id, p.idx), p.idx, esc(p.kind), esc(p.text)))
			end
			page.add("</section>")
		end
	end
	page.add("</section>")
end

--- The whole page.
---@return string html
---@return table counts {events=, figures=, clusters=, entities=, articles=}
function M.build()
	local info = data.corpus()
	local events, nevents = data.events(plugin.options.events)
	local figures, nfigures = data.figures(plugin.options.figures)
	local clusters, nclusters = data.clusters(plugin.options.clusters)
	local entities, nentities = data.entities(plugin.options.entities)
	local counts = { events = events and nevents, figures = figures and nfigures, clusters = clusters and nclusters,
		entities = entities and nentities, articles = info.articles }
	local weights_idf = idf.load()
	local page = new_page()
	local made = time.format(time.now(), "%Y-%m-%d %H:%M UTC")
	page.add('<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n' ..
		'<meta name="viewport" content="width=device-width, initial-scale=1">\n' ..
		'<title>trang report</title>\n<style>' .. CSS .. "</style>\n</head>\n<body>")
	page.add(string.format('<header class="top"><h1>What the corpus says</h1><p>trang report · %d articles · made %s' ..
		'</p></header>', info.articles, esc(made)))
	page.add('<nav class="toc"><a href="#brief">In brief</a><a href="#timeline">Timeline</a>' ..
		'<a href="#figures">Figures</a>' ..
		'<a href="#clusters">Main stories</a><a href="#entities">Who and where</a><a href="#sources">Sources</a></nav><main>')
	section_brief(page, info, counts, weights_idf)
	section_timeline(page, events, nevents)
	section_figures(page, figures, nfigures)
	section_clusters(page, clusters, nclusters, weights_idf)
	section_entities(page, entities)
	section_sources(page)
	page.add(string.format("<footer>Made by trang from the tables of the timeline, stats, duplicates and entities " ..
		"plugins, %s. Extractive summaries: the summary plugin's default " ..
			"method.</footer></main>\n</body>\n</html>", esc(made)))
	return table.concat(page.parts, "\n"), counts
end

--- `html` (the default): the page on stdout.
function M.commands.html()
	return (M.build())
end

M.commands.main = M.commands.html

return M
