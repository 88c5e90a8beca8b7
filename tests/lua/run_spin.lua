-- Loops for ever inside pcall; `trang run --timeout` must end it.
while true do
	pcall(function() while true do end end)
end
