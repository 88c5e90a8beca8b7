-- The manifest of report: plain data, read before any code runs.
return {
	name = "report",
	version = "1.0.0",
	description = "one self-contained HTML page: timeline chart, figures, cluster summaries, entities, sources",
	api = "1.0",
	requires = { summary = ">=1.0.0 <2", duplicates = ">=1.0.0 <2" },
	capabilities = { "corpus.read", "store.write" },
	options = {
		events = { type = "integer", default = 60, description = "events drawn on the timeline (those with most sources)" },
		figures = { type = "integer", default = 40, description = "rows of the figures table" },
		clusters = { type = "integer", default = 5, description = "near-duplicate clusters summarised" },
		entities = { type = "integer", default = 10, description = "entities listed per kind" },
		sentences = { type = "integer", default = 3, description = "sentences per summary" },
	},
	limits = { memory = "512MB", seconds = 900 },
}
