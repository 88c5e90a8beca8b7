-- Run with `trang test plugins/hello`.
local greeting = require("greeting")

describe("greeting.greet", function()
	it("greets by name", function()
		assert.equals("Xin chào, Lan!", greeting.greet("Xin chào", "Lan"))
	end)

	it("greets 'bạn' when no name is given", function()
		assert.equals("Chào, bạn!", greeting.greet("Chào"))
	end)
end)

describe("greeting.summary_line", function()
	local summary

	before_each(function()
		summary = { added = 3, updated = 1 }
	end)

	it("counts what the ingest did", function()
		assert.equals("3 added, 1 updated", greeting.summary_line(summary))
	end)

	it("treats missing counts as zero", function()
		summary.updated = nil
		assert.equals("3 added, 0 updated", greeting.summary_line(summary))
	end)
end)

describe("the plugin module", function()
	it("has the hooks and the greet command", function()
		local hello = load_plugin()
		assert.truthy(hello.on_article)
		assert.same({ "greet", "main" }, (function()
			local names = {}
			for name in pairs(hello.commands) do names[#names + 1] = name end
			table.sort(names)
			return names
		end)())
	end)
end)
