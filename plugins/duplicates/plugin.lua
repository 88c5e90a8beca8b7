-- The manifest of duplicates: plain data, read before any code runs.
return {
	name = "duplicates",
	version = "1.0.0",
	description = "near-duplicate article clusters (MinHash over syllable shingles) and repeated paragraphs",
	api = "1.0",
	capabilities = { "corpus.read", "store.write" },
	options = {
		shingle = { type = "integer", default = 3, description = "syllables per shingle" },
		threshold = {
			type = "number", default = 0.2, description = "Jaccard similarity for two articles to be near-duplicates",
		},
		bins = { type = "integer", default = 128, description = "MinHash signature length (a power of two)" },
		bands = { type = "integer", default = 64, description = "LSH bands (bins / bands rows each)" },
		rows = {
			type = "integer", default = 50,
			description = "how many clusters (the largest) and pairs (the most similar) a run prints; --all: every one",
		},
		min_paragraph = { type = "integer", default = 12, description = "syllables a paragraph needs to count as repeated" },
	},
	limits = { memory = "512MB", seconds = 900 },
}
