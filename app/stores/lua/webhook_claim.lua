-- Takes the webhook retries that are due, hiding each until its lease ends: a worker that dies
-- mid-attempt leaves it to be taken again then. KEYS[1] retry zset. ARGV: now, lease end, count.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, member in ipairs(due) do redis.call('ZADD', KEYS[1], 'XX', ARGV[2], member) end
return due
