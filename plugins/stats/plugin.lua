-- The manifest of stats: plain data, read before any code runs.
return {
	name = "stats",
	version = "1.0.0",
	description = "every figure with what it measures, its year and sources; merged across near-duplicates",
	api = "1.0",
	requires = { duplicates = ">=1.0.0 <2" },
	capabilities = { "corpus.read", "store.write" },
	options = {
		clusters = {
			type = "boolean", default = true,
			description = "merge figures repeated across near-duplicate clusters",
		},
		top = { type = "integer", default = 20, description = "how many rows the top view shows per unit" },
		rows = {
			type = "integer", default = 50,
			description = "how many figures a run prints (the most reported; --all prints every one)",
		},
	},
	limits = { memory = "512MB", seconds = 900 },
}
