-- The manifest of summary: plain data, read before any code runs.
return {
	name = "summary",
	version = "1.0.0",
	description = "extractive summaries of an article, a near-duplicate cluster or a query; lead-N baseline, ROUGE",
	api = "1.0",
	requires = { duplicates = ">=1.0.0 <2" },
	capabilities = { "corpus.read", "store.write" },
	options = {
		sentences = { type = "integer", default = 3, description = "how many sentences a summary has" },
		method = { type = "string", default = "default", description = "default (scored) or lead (the first N sentences)" },
		redundancy = { type = "number", default = 0.5, description = "syllable Jaccard at which two sentences say " ..
			"the same thing" },
		min_syllables = { type = "integer", default = 5, description = "shorter sentences are never picked" },
	},
	limits = { memory = "512MB", seconds = 900 },
}
