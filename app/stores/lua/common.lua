-- Shared helpers, prepended to every script by app/stores/scripts.py.

-- Compares two equal-length digests without an early exit.
local function ct_equal(a, b)
  if type(a) ~= 'string' or type(b) ~= 'string' or #a ~= #b then return false end
  local diff = 0
  for i = 1, #a do
    diff = bit.bor(diff, bit.bxor(string.byte(a, i), string.byte(b, i)))
  end
  return diff == 0
end

-- Sliding window over a sorted set of event times. Returns the seconds until
-- fewer than `limit` events remain inside the window, or 0 when under the limit.
local function window_wait(key, now, window, limit)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count < limit then return 0 end
  local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
  return tonumber(oldest[2]) + window - now
end

local function window_add(key, now, window, member)
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, math.ceil(window * 1000))
end

-- The names of keys for ids read inside Redis (a chain's session id, a token's user id).
-- app/stores/keys.py spells them and passes, from ARGV[at] on, the text before and after
-- the id in a chain key, a user's chain set, a session record and a user's devices
-- (KeyNames.script_names).
-- How many ARGV entries names_from reads (Keys.script_names); a script's event stamp follows them.
local NAME_ARGS = 8

local function names_from(at)
  local function around(i) return function(id) return ARGV[at + i] .. id .. ARGV[at + i + 1] end end
  return {chain = around(0), user_chains = around(2), session = around(4), user_devices = around(6)}
end

-- Is session `sid` live at `now`? Its record says until when (the chain's newest refresh token).
local function session_live(names, sid, now)
  local exp = tonumber(redis.call('HGET', names.session(sid), 'exp'))
  return exp ~= nil and exp > now
end

-- Deletes every token of a refresh chain (its access tokens included).
local function revoke_chain(names, sid, uid)
  local chain = names.chain(sid)
  local members = redis.call('SMEMBERS', chain)
  for _, key in ipairs(members) do redis.call('DEL', key) end
  redis.call('DEL', chain, names.session(sid))
  if uid then redis.call('SREM', names.user_chains(uid), sid) end
  return #members
end

-- Records a new session (one sign-in, one chain): its owner, times, client and how it was proven.
local function open_session(names, sid, uid, now, ip, user_agent, amr, kind, refresh_exp)
  local key = names.session(sid)
  redis.call('HSET', key, 'uid', uid, 'created_at', now, 'last_used_at', now, 'exp', refresh_exp, 'ip', ip,
    'user_agent', user_agent, 'amr', amr, 'kind', kind)
  redis.call('PEXPIREAT', key, math.ceil(refresh_exp * 1000))
end

-- A refresh moves the session's last use, and its life along with the chain's.
-- A chain minted before sessions were recorded gets a record now (its start unknown: this refresh).
local function touch_session(names, sid, uid, now, refresh_exp)
  local key = names.session(sid)
  if redis.call('EXISTS', key) == 0 then
    redis.call('HSET', key, 'uid', uid, 'created_at', now, 'ip', '', 'user_agent', '', 'amr', '', 'kind', '')
  end
  redis.call('HSET', key, 'last_used_at', now, 'exp', refresh_exp)
  redis.call('PEXPIREAT', key, math.ceil(refresh_exp * 1000))
end

-- Creates an access + refresh pair in chain `sid` and indexes the chain under the user.
-- `amr` (how the session signed in, space-separated) rides along the chain into every JWT.
local function mint_pair(names, uid, sid, amr, access_key, refresh_key, access_exp, refresh_exp)
  redis.call('HSET', access_key, 'kind', 'access', 'uid', uid, 'sid', sid, 'amr', amr, 'exp', access_exp)
  redis.call('PEXPIREAT', access_key, math.ceil(access_exp * 1000))
  redis.call('HSET', refresh_key, 'kind', 'refresh', 'uid', uid, 'sid', sid, 'amr', amr, 'exp', refresh_exp,
             'used', '0')
  redis.call('PEXPIREAT', refresh_key, math.ceil(refresh_exp * 1000))
  local chain = names.chain(sid)
  redis.call('SADD', chain, access_key, refresh_key)
  if redis.call('PTTL', chain) < math.ceil(refresh_exp * 1000) then
    redis.call('PEXPIREAT', chain, math.ceil(refresh_exp * 1000))
  end
  local chains = names.user_chains(uid)
  redis.call('SADD', chains, sid)
  redis.call('PEXPIREAT', chains, math.ceil(refresh_exp * 1000))
end

-- A pre-OTP token issued before its user was disabled dies at its next use.
-- `dkey` is the user's disabled marker, named on the token record at login.
local function user_disabled(token_key, dkey)
  if dkey and redis.call('EXISTS', dkey) == 1 then
    redis.call('DEL', token_key)
    return true
  end
  return false
end

-- The checks every answer to a login's second step passes before it is judged: a live pre-OTP
-- token of an enabled user, an account under its failure window, a login under its attempts.
-- `t` holds the token's kind, exp, fails, uid, fkey, dkey. Returns a refusal, or nil to go on.
local function second_step_gate(token_key, t, now, account_max, window, max_attempts)
  if t[1] ~= 'pre' or tonumber(t[2]) <= now then return {'no_token'} end
  if user_disabled(token_key, t[6]) then return {'no_token'} end
  local wait = window_wait(t[5], now, window, account_max)
  if wait > 0 then return {'account_locked', tostring(wait), t[4]} end
  if tonumber(t[3]) >= max_attempts then
    redis.call('DEL', token_key)
    return {'attempts_exceeded', t[4]}
  end
  return nil
end

-- Counts a wrong answer, of any factor, against the login and the account alike.
local function count_wrong(token_key, t, now, window, member, max_attempts, verdict)
  local fails = redis.call('HINCRBY', token_key, 'fails', 1)
  window_add(t[5], now, window, member)
  return {verdict or 'wrong_code', tostring(max_attempts - fails), t[4]}
end

-- Remembers the newest authenticator-app time step used by an account. False when `step` is not
-- newer than the last one used: that code (or an older one) was already spent.
local function claim_step(key, step, ttl)
  local last = tonumber(redis.call('GET', key) or '-1')
  if step <= last then return false end
  redis.call('SET', key, tostring(step), 'EX', ttl)
  return true
end

-- Notes a sign-in from `field` (a keyed hash of the kind of device and its network) in the user's
-- devices, forgetting those older than `window`. Returns '1' when this one was not seen within the
-- window, '0' when it was (or when no device is known for the sign-in: empty field).
local function note_device(names, uid, field, now, window)
  if field == '' then return '0' end
  local key = names.user_devices(uid)
  local seen = tonumber(redis.call('HGET', key, field))
  local new = (not seen) or now - seen > window
  if new then
    local known = redis.call('HGETALL', key)
    for i = 1, #known, 2 do
      if now - tonumber(known[i + 1]) > window then redis.call('HDEL', key, known[i]) end
    end
  end
  redis.call('HSET', key, field, now)
  redis.call('PEXPIRE', key, math.ceil(window * 1000))
  return new and '1' or '0'
end

-- Returns a function that appends an auth event to the stream `key`, inside the step that
-- made the change it reports (app/stores/event_stream.py). ARGV[at] .. ARGV[at + 5]: MAXLEN
-- (0: this call records nothing), event id, time (epoch seconds), ip, user agent, request id.
-- `details` is a table or an already encoded JSON object.
local function event_writer(key, at)
  return function(kind, uid, details)
    if ARGV[at] == '0' then return end
    if type(details) == 'table' then details = cjson.encode(details) end
    redis.call('XADD', key, 'MAXLEN', '~', ARGV[at], '*',
      'id', ARGV[at + 1], 'type', kind, 'at', ARGV[at + 2], 'user_id', uid or '',
      'ip', ARGV[at + 3], 'user_agent', ARGV[at + 4], 'request_id', ARGV[at + 5], 'details', details or '')
  end
end

-- Mints the pair of a sign-in that has just been proven, records its session and notes its device.
-- `t` is the pre-OTP token's fields (uid 4th, 'first' 10th); from ARGV[at] on: session id, access
-- expiry, refresh expiry, client IP, user agent, amr, kind, device field, device window.
-- Returns '1' when the device was not seen for the account within the window (never on a first login).
local function start_session(names, t, now, at)
  local uid, sid, refresh_exp = t[4], ARGV[at], tonumber(ARGV[at + 2])
  -- Tokens carry the amr space-separated (JWT claims); the session record keeps it comma-separated.
  mint_pair(names, uid, sid, (string.gsub(ARGV[at + 5], ',', ' ')), KEYS[2], KEYS[3], tonumber(ARGV[at + 1]),
    refresh_exp)
  open_session(names, sid, uid, now, ARGV[at + 3], ARGV[at + 4], ARGV[at + 5], ARGV[at + 6], refresh_exp)
  local new_device = note_device(names, uid, ARGV[at + 7], now, tonumber(ARGV[at + 8]))
  if t[10] == '1' then new_device = '0' end
  return new_device
end
