--- A module next to run_args.lua, found by require("lib.greet").
---@param name string
---@return string
return function(name)
	return "xin chào " .. name
end
