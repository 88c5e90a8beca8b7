---@meta trang.store

---SQL with bound parameters only, and a key-value namespace per plugin. A
---plugin may create and write only tables named with its prefix
---(store.prefix(), "plugin_<name>_"); the corpus tables are read-only (and
---readable only with corpus.read). Values: NULL is nil; integers, floats,
---strings. Expected failures (constraint, busy, read-only) return
---nil, message, code ("CONSTRAINT", "BUSY", ...); SQL errors raise.
---@class trang.store
local store = {}

---Runs a query; parameters bind to ? or ?N.
---@param sql string
---@param ... any parameters (nil and json.null bind NULL)
---@return table[]|nil rows column name -> value (NULL columns absent)
---@return string? message
---@return string? code
function store.query(sql, ...) end

---Runs a statement.
---@param sql string
---@param ... any parameters
---@return integer|nil changed rows changed
---@return string? message
---@return string? code
function store.exec(sql, ...) end

---Runs fn(...) in a transaction (a savepoint when nested); an error in fn
---rolls back and is raised again.
---@param fn fun(...): ...
---@param ... any
---@return true|nil ok
---@return any ... fn's results, or message, code
function store.tx(fn, ...) end

---@param key string
---@return any value nil when absent or expired
---@return string? message
---@return string? code
function store.get(key) end

---Stores a string, number, boolean or table (as JSON); nil deletes.
---@param key string
---@param value any
---@param ttl_seconds? number expiry
---@return true|nil
---@return string? message
---@return string? code
function store.set(key, value, ttl_seconds) end

---@param key string
---@param by? integer default 1
---@return integer|nil value the new value
---@return string? message
---@return string? code
function store.incr(key, by) end

---@param key string
---@return boolean existed
function store.delete(key) end

---The prefix of this state's tables: "plugin_<name>_" or "script_".
---@return string
function store.prefix() end

return store
