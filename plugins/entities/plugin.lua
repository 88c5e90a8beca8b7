-- The manifest of entities: plain data, read before any code runs.
return {
	name = "entities",
	version = "1.0.0",
	description = "people, organisations and places: counts, first and last dates, who appears with whom",
	api = "1.0",
	requires = { duplicates = ">=1.0.0 <2" },
	capabilities = { "corpus.read", "store.write" },
	options = {
		top = { type = "integer", default = 20, description = "how many entities (or pairs) a list shows per kind" },
		others = { type = "boolean", default = false, description = "keep names the extractor could not type (kind other)" },
	},
	limits = { memory = "512MB", seconds = 900 },
}
