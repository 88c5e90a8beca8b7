---@meta
-- The globals of a *_spec.lua file under `trang test`.

---@param name string
---@param fn fun()
function describe(name, fn) end

---@param name string
---@param fn fun()
function it(name, fn) end

---@param name string
function pending(name) end

---@param fn fun()
function before_each(fn) end

---@param fn fun()
function after_each(fn) end

---In a plugin folder: its init.lua loaded as the host loads it.
---@return trang.plugin.module
function load_plugin() end

---@class trang.spec.assert
---@overload fun(v: any, message?: any, ...): any
local assert_ = {}
---@param expected any
---@param actual any
---@param message? string
function assert_.equals(expected, actual, message) end
---Deep comparison of tables.
---@param expected any
---@param actual any
---@param message? string
function assert_.same(expected, actual, message) end
---@param v any
---@param message? string
function assert_.truthy(v, message) end
---@param v any
---@param message? string
function assert_.falsy(v, message) end
---@param v any
---@param message? string
function assert_.is_nil(v, message) end
---fn must raise; with expected, the message must contain it (plain text).
---@param fn fun()
---@param expected? string
function assert_.has_error(fn, expected) end

---@type trang.spec.assert
assert = assert_
