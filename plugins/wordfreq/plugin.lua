-- The manifest of wordfreq: plain data, read before any code runs.
return {
	name = "wordfreq",
	version = "1.0.0",
	description = "syllable and bigram frequency lists over the corpus, top N, by period",
	api = "1.0",
	capabilities = { "corpus.read" },
	options = {
		top = { type = "integer", default = 20, description = "how many entries a list shows" },
		period = { type = "string", default = "month", description = "year, month or day" },
	},
	limits = { memory = "256MB", seconds = 600 },
}
