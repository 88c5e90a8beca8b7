-- Run with `trang test plugins/entities`.
local variants = require("entities.variants")

local function w(s)
	local out = {}
	for x in s:gmatch("%S+") do out[#out + 1] = x end
	return out
end

local function name(written, kind, mentions)
	return { key = require("trang.text").fold(written), name = written, kind = kind or "person",
		mentions = mentions or 1 }
end

describe("entities.variants", function()
	it("a name ending a longer one, or its initials and surname, fits it", function()
		assert.truthy(variants.person_fits(w("putin"), w("vladimir putin")))
		assert.truthy(variants.person_fits(w("v. putin"), w("vladimir putin")))
		assert.falsy(variants.person_fits(w("d. putin"), w("vladimir putin")))
		assert.falsy(variants.person_fits(w("vladimir"), w("vladimir putin")))
	end)

	it("two full names one typo apart in a long word are one", function()
		assert.truthy(variants.typo_variants(w("vladmir putin"), w("vladimir putin")))
		assert.falsy(variants.typo_variants(w("truong minh tuan"), w("trung minh tuan")))
	end)

	it("a term or a stray word after an organisation's name is not a new one", function()
		assert.truthy(variants.org_tail(w("khóa XIV"), "Nam"))
		assert.truthy(variants.org_tail(w("khóa XIV bầu"), "Nam"))
		assert.truthy(variants.org_tail(w("bầu"), "XIV"))
		assert.falsy(variants.org_tail(w("Belarus"), "sản"))
		assert.falsy(variants.org_tail(w("nhân dân"), "ban"))
	end)

	it("merges the variants of Putin into the longest name", function()
		local alias = variants.canonical({ name("Vladimir Putin", "person", 30), name("V. Putin"), name("Putin"),
			name("Vladmir Putin") })
		assert.equals("vladimir putin", alias["putin"])
		assert.equals("vladimir putin", alias["v. putin"])
		assert.equals("vladimir putin", alias["vladmir putin"])
		assert.is_nil(alias["vladimir putin"])
	end)

	it("leaves a name two different people share alone", function()
		local alias = variants.canonical({ name("Donald Trump"), name("Melania Trump"), name("Trump") })
		assert.is_nil(alias["trump"])
	end)

	it("leaves a Vietnamese given name alone", function()
		assert.is_nil(variants.canonical({ name("Tô Lâm"), name("Lâm") })["lam"])
	end)

	it("names an organisation by its most written name", function()
		local alias = variants.canonical({ name("Ban Chấp hành Trung ương Đảng Cộng sản Việt Nam", "org", 3),
			name("Ban Chấp hành Trung ương Đảng Cộng sản Việt Nam khóa XIV", "org"),
			name("Ban Chấp hành Trung ương Đảng Cộng sản Việt Nam khóa XIV bầu", "org"),
			name("Ban Chấp hành Trung ương", "org") })
		local base = "ban chap hanh trung uong dang cong san viet nam"
		assert.equals(base, alias[base .. " khoa xiv"])
		assert.equals(base, alias[base .. " khoa xiv bau"])
		assert.is_nil(alias["ban chap hanh trung uong"])
	end)
end)
