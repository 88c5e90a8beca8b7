-- Tests of trang.csv, run by tests/unit/test_lua_api.c with CSV_OUT set to a
-- temporary file path.
local csv = require "trang.csv"

local function eq(got, want, what)
	if got ~= want then
		error(string.format("%s: got %q, want %q", what, tostring(got), tostring(want)), 2)
	end
end

eq(csv.encode_row({"a", "b", "c"}), "a,b,c\r\n", "plain fields, CRLF")
eq(csv.encode_row({"a,b", 'say "hi"', "two\nlines", "cr\r"}), '"a,b","say ""hi""","two\nlines","cr\r"\r\n',
	"separator, quote and line breaks are quoted, quotes doubled")
eq(csv.encode_row({1, 2.5, true, false}), "1,2.5,true,false\r\n", "numbers and booleans")
eq(csv.encode_row({"x", nil, "z"}, nil, 3), "x,,z\r\n", "nil is an empty field with an explicit count")
eq(csv.encode_row({"a;b", "c,d"}, {sep = ";", eol = "\n"}), '"a;b";c,d\n', "another separator")
eq(csv.encode_row({}), "\r\n", "an empty row")
eq(csv.encode_row({" lead", "Hà Nội"}), " lead,Hà Nội\r\n", "spaces and UTF-8 are kept as they are")
local ok, err = pcall(csv.encode_row, {{}})
assert(not ok and err:find("bad field #1"), "a table field raises: " .. tostring(err))
ok, err = pcall(csv.encode_row, {"a"}, {sep = '"'})
assert(not ok and err:find("sep must be"), "a quote separator raises: " .. tostring(err))

eq(csv.encode({{"h1", "h2"}, {"1", "x,y"}}), 'h1,h2\r\n1,"x,y"\r\n', "csv.encode of rows")
eq(csv.write_records(nil, {"name", "n"}, {{name = "Đà Nẵng", n = 3}, {n = 4}}, {eol = "\n"}),
	"name,n\nĐà Nẵng,3\n,4\n", "records to a string, missing fields empty")

local w = csv.writer()
w:row({"a"})
w:row({"b"})
eq(w:contents(), "a\r\nb\r\n", "a memory writer collects rows")

local path = os.getenv("CSV_OUT")
eq(csv.write_records(path, {"k", "v"}, {{k = "a", v = 'q"q'}}), true, "records to a file")
local f = assert(io.open(path, "rb"))
eq(f:read("a"), 'k,v\r\na,"q""q"\r\n', "the file holds the CSV")
f:close()

local bad, msg, code = csv.writer("/nonexistent-dir/x.csv")
eq(bad, nil, "an unwritable path returns nil")
eq(code, "ENOENT", "with the errno name")
assert(msg:find("/nonexistent-dir/x.csv", 1, true), "and the path: " .. msg)

w = assert(csv.writer(path))
assert(w:close())
ok, err = pcall(w.row, w, {"late"})
assert(not ok and err:find("closed csv writer"), "writing after close raises: " .. tostring(err))
return "csv ok"
