--- timeline.merge: merges events about the same thing on the same date from
--- different articles, and adds near-duplicates that report an event without
--- repeating its date expression as further sources.
local events = require("timeline.events")

local M = {}

--- A sentence shorter than this (distinct syllables) never makes an article a
--- source by overlap alone.
M.MIN_SYLLABLES = 12

---@class timeline.merge_opts
---@field overlap number syllable Jaccard for sentences of unrelated articles to be one event
---@field cluster_overlap number the same within a near-duplicate cluster
---@field sentence_jaccard number Jaccard of a member's sentence with a source paragraph's sentence to make it a source
---@field cluster_of table<integer, table> article id -> its duplicates cluster (or {})
---@field has_value fun(id: integer, value: string): boolean the article has a date expression of this value
---@field paired fun(a: integer, b: integer): boolean the two articles are a near-duplicate pair themselves
---  (not only chained through others)

--- The first merged event of `group` (one date value's, in the order they
--- were made) that ev, of article art in cluster cl, joins: not from art
--- already, and with a sentence sharing enough syllables and the same
--- numbers. Only the events with the same numbers or none can agree, so
--- those two lists are walked, in order, instead of every event of the value.
local function first_match(group, art, cl, set, n, digits, dkey, opts)
	local a, b
	if dkey == "" then
		a, b = group.all, nil
	else
		a, b = group.by_digits[dkey], group.by_digits[""]
	end
	a, b = a or {}, b or {}
	local i, j = 1, 1
	while true do
		local m
		local x, y = a[i], b[j]
		if x and (not y or x.seq < y.seq) then
			m, i = x, i + 1
		elseif y then
			m, j = y, j + 1
		else
			return nil
		end
		if not m.articles[art] then
			local bar = (cl and m.clusters[cl.id]) and opts.cluster_overlap or opts.overlap
			local mn = m.first_n
			-- the sizes alone keep the similarity under bar
			local lo, hi = n, mn
			if lo > hi then lo, hi = hi, lo end
			if (bar <= 0 or lo > 0 and lo >= bar * hi and events.jaccard(set, n, m.first_set, mn) >= bar)
				and events.numbers_agree(digits, m.digits) then
				return m
			end
		end
	end
end

--- Merges events in place into a list of merged events, each with `sources`.
---@param list table[] events from events.of_article
---@param opts timeline.merge_opts
---@return table[] merged
function M.merge_events(list, opts)
	local by_value, by_sentence, merged = {}, {}, {}
	for _, ev in ipairs(list) do
		local art = ev.source.article
		local cl = opts.cluster_of[art]
		local target
		-- the same sentence with the same date (copies, syndicated text) needs
		-- no comparison
		local same_key = ev.value .. "\0" .. ev.sentence
		for _, m in ipairs(by_sentence[same_key] or {}) do
			if not m.articles[art] then target = m break end
		end
		local set, n, digits, dkey = events.syllable_set(ev.sentence)
		local group = by_value[ev.value]
		if not target and group then
			target = first_match(group, art, cl, set, n, digits, dkey, opts)
		end
		if target then
			table.insert(target.sources, ev.source)
			target.articles[ev.source.article] = true
			if cl then target.clusters[cl.id] = true end
		else
			local m = {
				value = ev.value, granularity = ev.granularity, mod = ev.mod, lo = ev.lo, hi = ev.hi,
				rule = ev.rule, date_text = ev.date_text, sentence = ev.sentence,
				sources = { ev.source }, articles = { [ev.source.article] = true },
				clusters = cl and { [cl.id] = true } or {}, first_set = set, first_n = n, digits = digits,
			}
			if not group then
				group = { all = {}, by_digits = {} }
				by_value[ev.value] = group
			end
			m.seq = #group.all + 1
			group.all[m.seq] = m
			local same_digits = group.by_digits[dkey]
			if not same_digits then
				same_digits = {}
				group.by_digits[dkey] = same_digits
			end
			same_digits[#same_digits + 1] = m
			by_sentence[same_key] = by_sentence[same_key] or {}
			table.insert(by_sentence[same_key], m)
			merged[#merged + 1] = m
		end
	end
	return merged
end

--- The sentences of the event's sources in cluster cl that date it with an
--- expression of their own, with their neighbours in the paragraph.
---@return table[] refs {set=, n=, digits=, path=}
function M.reference_sentences(m, cl, opts, paragraph_sentences)
	local refs = {}
	for _, s2 in ipairs(m.sources) do
		if opts.cluster_of[s2.article] == cl and s2.reason == "date expression" then
			local ps = paragraph_sentences(s2.article, s2.paragraph)
			for i, s in ipairs(ps) do
				local near = s.s == s2.sentence_s or (ps[i - 1] and ps[i - 1].s == s2.sentence_s)
					or (ps[i + 1] and ps[i + 1].s == s2.sentence_s)
				if near then
					local set, n, digits = events.syllable_set(s.text)
					refs[#refs + 1] = { set = set, n = n, digits = digits, path = s2.path }
				end
			end
		end
	end
	return refs
end

--- For each merged event, the members of its sources' clusters that are not
--- sources yet: if one of their sentences, in a paragraph without a date of
--- its own, says what the dated sentence or a neighbour says, and the two articles are a
--- near-duplicate pair, it reports the event too (the date expression is in
--- the other article).
---@param merged table[]
---@param opts timeline.merge_opts
---@param sentences_of fun(id: integer): table[] an article's sentences
---@param paragraph_sentences fun(id: integer, idx: integer): table[] the sentences of one paragraph
---@param dated_paragraphs fun(id: integer): table<integer, boolean> the idx of an article's paragraphs that
---  hold a date expression
function M.add_cluster_sources(merged, opts, sentences_of, paragraph_sentences, dated_paragraphs)
	for _, m in ipairs(merged) do
		local seen_cluster = {}
		for _, src in ipairs(m.sources) do
			local cl = opts.cluster_of[src.article]
			if cl and not seen_cluster[cl.id] then
				seen_cluster[cl.id] = true
				-- the sentences of every source paragraph in this cluster, read
				-- when a member needs them (copies usually date the event
				-- themselves)
				local refs
				for _, member in ipairs(cl.members) do
					-- a member that dates this value itself tells its own version
					if not m.articles[member.id] and not opts.has_value(member.id, m.value) then
						local best, best_s, best_from = 0, nil, nil
						local dated = opts.paired(member.id, src.article) and dated_paragraphs(member.id) or nil
						if dated and not refs then refs = M.reference_sentences(m, cl, opts, paragraph_sentences) end
						for _, s in ipairs(dated and sentences_of(member.id) or {}) do
							local set, n, digits = events.syllable_set(s.text)
							-- a paragraph with a date of its own dates its own events
							if n < M.MIN_SYLLABLES or dated[s.paragraph] then n = 0 end
							for _, r in ipairs(refs) do
								local o = events.numbers_agree(digits, r.digits)
									and events.jaccard(set, n, r.set, r.n, opts.sentence_jaccard) or 0
								if o > best then best, best_s, best_from = o, s, r.path end
							end
						end
						if best_s and best >= opts.sentence_jaccard then
							table.insert(m.sources, {
								article = member.id, path = member.path, paragraph = best_s.paragraph,
								sentence_s = best_s.s, sentence_e = best_s.e, rule = "cluster",
								reason = string.format("near-duplicate of %s (cluster %d), sentence Jaccard %.2f",
									best_from, cl.id, best),
							})
							m.articles[member.id] = true
						end
					end
				end
			end
		end
	end
end

--- Date order: full dates first by value; partial ones (XXXX-...) after,
--- by month and day.
function M.sort(merged)
	table.sort(merged, function(a, b)
		if a.value ~= b.value then return a.value < b.value end
		return a.sources[1].article < b.sources[1].article
	end)
end

return M
