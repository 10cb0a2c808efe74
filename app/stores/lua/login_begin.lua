-- Reserves one password attempt for an account, or refuses when the window is full.
-- KEYS[1] failures zset. ARGV: now, window, limit, member.
-- Returns 0 (go ahead; the reservation counts as a failure unless cleared) or seconds to wait.
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local wait = window_wait(KEYS[1], now, window, limit)
if wait > 0 then return tostring(wait) end
window_add(KEYS[1], now, window, ARGV[4])
return '0'
