-- The SMS-pumping guard (docs/security.md, "SMS pumping"), prepended after common.lua to every
-- script by app/stores/scripts.py. Per destination range ("dest": a calling code and the next digits,
-- as app/services/phone_*.py splits a number) one hash counts codes sent (fields s:<bucket>) and codes
-- verified (v:<bucket>) in GUARD_BUCKETS buckets of window / GUARD_BUCKETS seconds: the window slides a bucket at a time. A range whose sends in the
-- window reach the minimum while its verified share stays under the minimum conversion gets a block
-- key ('<mode that decided it>:<until>', the service's clock) for the block time; in block mode a send
-- to it is refused until then.

-- How many ARGV entries guard_config reads (app/stores/sms_guard.py, GuardArgs).
local GUARD_ARGS = 14
local GUARD_BUCKETS = 12

-- From ARGV[at] on: mode (block | record | off), min sends, min conversion, window, block seconds,
-- max countries per client IP a day (0: not flagged), the allowed destinations (',+44 740,+1 212,'), the
-- text before and after a dest in its counter key and in its block key, the admin-allowed sorted
-- set (dest -> allowed until), the client IP's countries-today key ('' when no IP), its TTL.
local function guard_config(at)
  local function a(i) return ARGV[at + i] end
  return {mode = a(0), min_sends = tonumber(a(1)), min_conversion = tonumber(a(2)), window = tonumber(a(3)),
    block = tonumber(a(4)), max_countries = tonumber(a(5)), allowed = a(6),
    counter = function(p) return a(7) .. p .. a(8) end, blocker = function(p) return a(9) .. p .. a(10) end,
    allowed_key = a(11), ip_countries = a(12), ip_ttl = tonumber(a(13))}
end

-- Is `dest` left alone: the guard off, no dest (test numbers), allowed by setting or by an admin?
local function guard_exempt(g, dest, now)
  if g.mode == 'off' or dest == '' then return true end
  if string.find(g.allowed, ',' .. dest .. ',', 1, true) then return true end
  local allowed_until = tonumber(redis.call('ZSCORE', g.allowed_key, dest))
  return allowed_until ~= nil and allowed_until > now
end

-- Seconds left of a block (or recorded decision) on `dest`, or 0.
local function guard_blocked_for(g, dest, now)
  local until_ = tonumber(string.match(redis.call('GET', g.blocker(dest)) or '', ':(.+)$'))
  if until_ and until_ > now then return until_ - now end
  return 0
end

-- A send's refusal when `dest` is blocked (block mode only): {'sms_guard', seconds left, dest}.
local function guard_refusal(g, dest, now)
  if g.mode ~= 'block' or guard_exempt(g, dest, now) then return nil end
  local left = guard_blocked_for(g, dest, now)
  if left > 0 then return {'sms_guard', tostring(left), dest} end
  return nil
end

-- Codes sent and verified to the dest counted in `key` within the window; older buckets are dropped.
local function guard_counts(key, now, size)
  local first = math.floor(now / size) - GUARD_BUCKETS + 1
  local fields = redis.call('HGETALL', key)
  local sent, verified = 0, 0
  for i = 1, #fields, 2 do
    local kind, bucket = string.match(fields[i], '^([sv]):(%d+)$')
    if bucket and tonumber(bucket) >= first then
      if kind == 's' then sent = sent + tonumber(fields[i + 1]) else verified = verified + tonumber(fields[i + 1]) end
    else
      redis.call('HDEL', key, fields[i])
    end
  end
  return sent, verified
end

-- Notes the client IP's country for the day; true once, when its countries first pass the cap.
local function guard_ip_country(g, dest)
  if g.mode == 'off' or g.max_countries <= 0 or g.ip_countries == '' or dest == '' then return false end
  local added = redis.call('SADD', g.ip_countries, string.match(dest, '^(%+%d+)'))
  redis.call('EXPIRE', g.ip_countries, g.ip_ttl)
  return added == 1 and redis.call('SCARD', g.ip_countries) == g.max_countries + 1
end

-- Counts a send to `dest` (after every other check passed) and decides a block when the dest
-- crosses the line, adding its event with `emit`. Returns the counter key and field ('' when not
-- counted: the send's give-back and its verification use them), the decision ('' | 'block' | 'record'),
-- '1' when this send flagged the client IP for asking codes for too many countries today, else '0'.
local function guard_count(g, dest, now, emit)
  local flag = '0'
  if guard_ip_country(g, dest) then
    flag = '1'
    emit('sms_guard_ip_countries', '', {countries = g.max_countries + 1, destination = dest})
  end
  if guard_exempt(g, dest, now) then return '', '', '', flag end
  local key, size, bkey = g.counter(dest), g.window / GUARD_BUCKETS, g.blocker(dest)
  local field = 's:' .. math.floor(now / size)
  redis.call('HINCRBY', key, field, 1)
  redis.call('PEXPIRE', key, math.ceil((g.window + size) * 1000))
  if guard_blocked_for(g, dest, now) > 0 then return key, field, '', flag end
  local sent, verified = guard_counts(key, now, size)
  if sent < g.min_sends or verified >= g.min_conversion * sent then return key, field, '', flag end
  redis.call('SET', bkey, g.mode .. ':' .. tostring(now + g.block), 'PX', math.ceil(g.block * 1000))
  emit('sms_guard_blocked', '', {destination = dest, mode = g.mode, sent = sent, verified = verified,
    block_seconds = g.block})
  return key, field, g.mode, flag
end

-- A send that failed gives its count back.
local function guard_give_back(key, field)
  if key and key ~= '' and field and field ~= '' and redis.call('HEXISTS', key, field) == 1 then
    redis.call('HINCRBY', key, field, -1)
  end
end

-- A code sent to a counted dest (`key`, noted on the login with its bucket size) was verified.
-- Returns true when it was counted.
local function guard_verified(key, size, now)
  if not key or key == '' or redis.call('EXISTS', key) == 0 then return false end
  redis.call('HINCRBY', key, 'v:' .. math.floor(now / tonumber(size)), 1)
  return true
end
