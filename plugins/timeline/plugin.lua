-- The manifest of timeline: plain data, read before any code runs.
return {
	name = "timeline",
	version = "1.0.0",
	description = "every dated event in the corpus, in date order, merged across articles with their sources",
	api = "1.0",
	requires = { duplicates = ">=1.0.0 <2" },
	capabilities = { "corpus.read", "store.write" },
	options = {
		overlap = {
			type = "number", default = 0.5,
			description = "syllable Jaccard for two sentences with the same date to be one event",
		},
		cluster_overlap = {
			type = "number", default = 0.2,
			description = "the same, for articles of one near-duplicate cluster",
		},
		sentence_jaccard = {
			type = "number", default = 0.5,
			description = "syllable Jaccard for a near-duplicate's sentence to report an event it does not date",
		},
		clusters = {
			type = "boolean", default = true,
			description = "use near-duplicate clusters (dates and sources for undated articles)",
		},
		rows = {
			type = "integer", default = 50,
			description = "how many events a run prints (those with the most sources; --all prints every one)",
		},
	},
	limits = { memory = "512MB", seconds = 900 },
}
