-- The manifest of the hello plugin: plain data, read before any code runs.
return {
	name = "hello",
	version = "1.0.0",
	description = "greets, counts the articles it sees: the smallest plugin to copy",
	api = "1.0",
	capabilities = {},
	options = {
		greeting = { type = "string", default = "Xin chào", description = "how to greet" },
	},
	limits = { memory = "16MB", seconds = 2 },
	jobs = {
		{ name = "daily_greeting", cron = "0 8 * * *", timeout = "10s", overlap = "skip", catch_up = false, jitter = 30 },
	},
}
