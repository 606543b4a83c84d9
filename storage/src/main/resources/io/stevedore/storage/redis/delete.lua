-- ARGV: key, expectedModRevision ("0": any), history.
-- Returns {1, rev, lastValue, createRevision}, {0} when missing, {-1, modRevision} on a conflict.
local key = ARGV[1]
local c, m = meta_of(key)
if not c then
  return {0}
end
if ARGV[2] ~= '0' and ARGV[2] ~= m then
  return {-1, tonumber(m)}
end
local value = redis.call('HGET', KEYS[2], key)
local rev = redis.call('INCR', KEYS[1])
local r = string.format('%d', rev)
redis.call('HDEL', KEYS[2], key)
redis.call('HDEL', KEYS[3], key)
redis.call('ZREM', KEYS[4], key)
redis.call('XADD', KEYS[5], r .. '-1', 't', 'd', 'k', key, 'v', value, 'c', c, 'p', m)
autocompact(rev, tonumber(ARGV[3]))
return {1, rev, value, tonumber(c)}
