-- Tests of trang.store in a script's state (prefix script_), run by
-- tests/unit/test_lua_store.c against a real database made by ingest.
local store = require "trang.store"
local json = require "trang.json"

local function eq(got, want, what)
	if got ~= want then
		error(string.format("%s: got %q, want %q", what, tostring(got), tostring(want)), 2)
	end
end

local function raises(pattern, what, f, ...)
	local ok, err = pcall(f, ...)
	if ok or not tostring(err):find(pattern, 1, true) then
		error(string.format("%s: want an error with %q, got %s", what, pattern, tostring(err)), 2)
	end
end

eq(store.prefix(), "script_", "a script's prefix")

-- query and exec with bound parameters
eq(store.exec("CREATE TABLE script_words(w TEXT PRIMARY KEY, n INTEGER, f REAL, b BLOB)"), 0,
   "CREATE changes no rows")
eq(store.exec("INSERT INTO script_words VALUES (?, ?, ?, ?)", "đường", 3, 0.5, "\0\xff"), 1,
   "one row inserted")
eq(store.exec("INSERT INTO script_words(w, n) VALUES (?, ?), (?, ?)", "da", 1, "dạ", 2), 2,
   "two rows inserted")
local rows = store.query("SELECT w, n, f, b FROM script_words WHERE n >= ? ORDER BY n", 2)
eq(#rows, 2, "two rows match")
eq(rows[1].w, "dạ", "text comes back as a string") eq(rows[1].n, 2, "integer")
eq(math.type(rows[1].n), "integer", "integers stay integers")
eq(rows[1].f, nil, "NULL is nil") eq(rows[2].f, 0.5, "reals are floats")
eq(rows[2].b, "\0\xff", "a blob (invalid UTF-8 binds as BLOB) round-trips")
eq(store.query("SELECT typeof(b) AS t FROM script_words WHERE w = 'đường'")[1].t, "blob", "stored as a blob")
eq(#store.query("SELECT * FROM script_words WHERE w = ?", "nothing"), 0, "no rows: an empty array")
eq(store.query("SELECT ? AS a, ? AS b", true, json.null)[1].a, 1, "true binds 1")
eq(store.query("SELECT ? IS NULL AS n", json.null)[1].n, 1, "json.null binds NULL")
eq(store.query("SELECT count(*) AS n FROM articles")[1].n, 5, "a script reads the corpus")

-- SQL injection through parameters is stored as plain text
local evil = "x'); DROP TABLE script_words; --"
eq(store.exec("INSERT INTO script_words(w, n) VALUES (?, 9)", evil), 1, "the evil string is one value")
eq(store.query("SELECT w FROM script_words WHERE n = 9")[1].w, evil, "stored verbatim")
eq(store.query("SELECT count(*) AS n FROM script_words")[1].n, 4, "the table is still there")
local evil2 = "1 OR 1=1"
eq(#store.query("SELECT * FROM script_words WHERE n = ?", evil2), 0, "'1 OR 1=1' matches nothing")
raises("one statement only", "two statements are refused", store.exec,
       "INSERT INTO script_words(w) VALUES ('a'); DROP TABLE script_words")
raises("cannot bind a table", "a table is not a parameter", store.query, "SELECT ?", {})
raises("2 parameters given, the statement has 1", "too many parameters", store.query, "SELECT ?", 1, 2)

-- expected failures return nil, message, code
local ok, msg, code = store.exec("INSERT INTO script_words(w, n) VALUES ('da', 1)")
eq(ok, nil, "a constraint violation fails") eq(code, "CONSTRAINT", "... with its code")
eq(msg:find("UNIQUE constraint failed", 1, true) ~= nil, true, "... and SQLite's message")
raises("syntax error", "bad SQL raises", store.query, "SELEC 1")

-- authorizer, seen from a script
raises("the corpus table articles is read-only", "scripts cannot write the corpus", store.exec,
       "DELETE FROM articles")
raises("must be named script_*", "an unprefixed table", store.exec, "CREATE TABLE words(w)")
raises("ATTACH and DETACH are refused", "ATTACH", store.exec, "ATTACH DATABASE ':memory:' AS x")
raises("PRAGMA journal_mode(delete) refused", "a pragma write", store.exec, "PRAGMA journal_mode = delete")
eq(store.query("PRAGMA table_info(script_words)")[1].name, "w", "a reading pragma runs")
raises("load_extension is refused", "load_extension", store.query, "SELECT load_extension('x')")
raises("store.tx", "BEGIN by hand", store.exec, "BEGIN")

-- transactions
local ok2, n = store.tx(function()
	store.exec("INSERT INTO script_words(w, n) VALUES ('tx', 10)")
	return 42
end)
eq(ok2, true, "tx returns true") eq(n, 42, "then the function's results")
eq(#store.query("SELECT * FROM script_words WHERE w = 'tx'"), 1, "committed")
local okr, err = pcall(store.tx, function()
	store.exec("INSERT INTO script_words(w, n) VALUES ('gone', 11)")
	error("boom")
end)
eq(okr, false, "an error in tx is raised again")
eq(tostring(err):find("boom", 1, true) ~= nil, true, "... as it was")
eq(#store.query("SELECT * FROM script_words WHERE w = 'gone'"), 0, "... and the work rolled back")
store.tx(function()
	store.exec("INSERT INTO script_words(w, n) VALUES ('outer', 12)")
	local inner_ok = pcall(store.tx, function()
		store.exec("INSERT INTO script_words(w, n) VALUES ('inner', 13)")
		error("inner fails")
	end)
	eq(inner_ok, false, "the inner tx failed")
end)
eq(#store.query("SELECT * FROM script_words WHERE w = 'outer'"), 1, "nested: the outer work stays")
eq(#store.query("SELECT * FROM script_words WHERE w = 'inner'"), 0, "nested: the savepoint rolled back")

-- key-value
eq(store.get("missing"), nil, "a missing key is nil")
eq(store.set("s", "tiếng Việt"), true, "set a string")
eq(store.get("s"), "tiếng Việt", "get a string")
store.set("i", 7) eq(store.get("i"), 7, "an integer") eq(math.type(store.get("i")), "integer", "... stays one")
store.set("f", 2.5) eq(store.get("f"), 2.5, "a float")
store.set("b", false) eq(store.get("b"), false, "false")
store.set("t", {top = {"a", "b"}, n = 3})
local t = store.get("t")
eq(t.top[2], "b", "a table via JSON") eq(t.n, 3, "... with its numbers")
eq(store.incr("i"), 8, "incr by 1") eq(store.incr("i", -10), -2, "incr by a negative")
eq(store.incr("new", 5), 5, "incr of a missing key starts at 0")
local v, m, c = store.incr("s")
eq(v, nil, "incr of a string fails") eq(c, "TYPE", "... with TYPE")
eq(m, "store.incr: the value of 's' is not an integer", "... and a message")
eq(store.delete("s"), true, "delete an existing key") eq(store.get("s"), nil, "gone")
eq(store.delete("s"), false, "delete a missing key")
store.set("i", nil) eq(store.get("i"), nil, "set nil deletes")
raises("ttl must be a positive number", "a bad ttl", store.set, "k", 1, -1)
raises("string, number, boolean or table expected", "a function value", store.set, "k", print)
raises("use store.get/set", "the kv table is the host's", store.query, "SELECT * FROM trang_kv")
raises("writing trang_kv refused", "nor written", store.exec, "DELETE FROM trang_kv")
store.set("short", "x", 0.2)
eq(store.get("short"), "x", "before its expiry")
return "store ok"
