-- Run with `trang test plugins/duplicates` (the fixture database holds data/:
-- articles 1, 3 and 5 are the three reports of the 8 August 2024 call).
local cluster = require("duplicates.cluster")
local stored = require("duplicates.stored")
local render = require("duplicates.render")
local store = require("trang.store")

--- A signature of 4 bins of one byte pattern each: bins("abcd") has bins
--- "aaaa", "bbbb", "cccc", "dddd".
local function bins(letters)
	return (letters:gsub(".", function(c) return c:rep(4) end))
end

describe("duplicates.cluster.estimate", function()
	it("is the share of equal bins", function()
		assert.equals(0.5, cluster.estimate(bins("abcd"), bins("abxy")))
		assert.equals(0, cluster.estimate(bins("abcd"), bins("wxyz")))
	end)

	it("is 1 for equal signatures", function()
		assert.equals(1, cluster.estimate(bins("abcd"), bins("abcd")))
	end)
end)

describe("duplicates.cluster.candidates", function()
	-- 4 bins in 2 bands of 2 bins: articles are candidates when they share a band
	local sigs = {
		[1] = bins("abcd"),
		[2] = bins("abcd"), -- a copy of 1: every band
		[3] = bins("abxy"), -- the first band of 1 and 2
		[4] = bins("pqcd"), -- the second band of 1 and 2, none of 3
		[5] = bins("mnop"), -- nothing in common
	}

	it("pairs articles sharing all rows of a band, copies included, sorted", function()
		assert.same({ { 1, 2 }, { 1, 3 }, { 1, 4 }, { 2, 3 }, { 2, 4 } }, cluster.candidates(sigs, 4, 2))
	end)

	it("pairs nothing when no band is shared whole", function()
		-- one band of 4 bins: only the copies agree on all of it
		assert.same({ { 1, 2 } }, cluster.candidates(sigs, 4, 1))
	end)
end)

describe("duplicates.cluster.compute on data/", function()
	local result = cluster.compute(cluster.DEFAULTS)

	it("finds one cluster: 000, 002 and 004 (articles 1, 3, 5)", function()
		assert.equals(1, #result.clusters)
		local ids = {}
		for i, m in ipairs(result.clusters[1].members) do ids[i] = m.id end
		assert.same({ 1, 3, 5 }, ids)
		assert.is_nil(result.of[2])
		assert.is_nil(result.of[4])
	end)

	it("picks the member most similar to the others as representative", function()
		assert.equals(1, result.clusters[1].representative)
	end)

	it("keeps the two pairs at or over the threshold with their exact Jaccard", function()
		assert.equals(2, #result.pairs)
		assert.equals("1 3 0.419", string.format("%d %d %.3f", result.pairs[1].a, result.pairs[1].b,
			result.pairs[1].similarity))
		assert.equals("1 5 0.303", string.format("%d %d %.3f", result.pairs[2].a, result.pairs[2].b,
			result.pairs[2].similarity))
	end)

	it("joins nothing at a threshold no pair reaches", function()
		local opts = { shingle = 3, threshold = 0.5, bins = 128, bands = 64 }
		assert.equals(0, #cluster.compute(opts).clusters)
	end)
end)

describe("duplicates.stored", function()
	-- a spec's tables are named with its own prefix
	local P = store.prefix()

	it("reads back what the plugin stored, while the corpus is unchanged", function()
		local plugin = load_plugin()
		local computed = plugin.refresh()
		assert.truthy(stored.is_current(cluster.DEFAULTS, P))
		local loaded = stored.load(P)
		assert.equals(#computed.clusters, #loaded.clusters)
		local c, l = computed.clusters[1], loaded.clusters[1]
		assert.equals(c.representative, l.representative)
		assert.equals(#c.members, #loaded.clusters[1].members)
		for i, m in ipairs(c.members) do
			assert.equals(m.id, l.members[i].id)
			assert.equals(m.path, l.members[i].path)
		end
		assert.equals(computed.pairs[2].similarity, loaded.pairs[2].similarity)
		assert.equals(l, loaded.of[5])
	end)

	it("is not current for other options", function()
		load_plugin().refresh()
		assert.falsy(stored.is_current({ shingle = 3, threshold = 0.3, bins = 128, bands = 64 }, P))
	end)

	it("is not current once the fingerprint differs", function()
		load_plugin().refresh()
		store.exec("UPDATE " .. P .. "state SET digest = 'x'")
		assert.falsy(stored.is_current(cluster.DEFAULTS, P))
		-- (current() then computes the clusters afresh)
	end)

	it("computes the clusters when the duplicates plugin stored none", function()
		local r = stored.current()
		assert.is_nil(r.stored)
		assert.equals(1, #r.clusters)
		assert.equals(3, #r.clusters[1].members)
	end)

	it("fingerprints the corpus by count, highest id and a digest", function()
		local fp = stored.fingerprint()
		assert.equals(5, fp.articles)
		assert.equals(5, fp.max_id)
		assert.equals(16, #fp.digest)
	end)
end)

describe("duplicates.render", function()
	it("base_name is what follows the last slash", function()
		assert.equals("004.txt", render.base_name("/a/b/004.txt"))
		assert.equals("004.txt", render.base_name("004.txt"))
		assert.is_nil(render.base_name(nil))
	end)

	it("most keeps the n heaviest items, in list order, the first on a tie", function()
		local list = { { w = 1 }, { w = 5 }, { w = 3 }, { w = 5 }, { w = 3 } }
		local function weight(x) return x.w end
		assert.same({ 2, 3, 4 }, render.most(list, 3, weight))
		assert.same({ 1, 2, 3, 4, 5 }, render.most(list, 9, weight))
	end)
end)
