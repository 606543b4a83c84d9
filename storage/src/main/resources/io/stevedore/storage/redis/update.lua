-- ARGV: key, value, expectedModRevision ("0": any), history.
-- Returns {1, rev}, {0} when the key is missing, {-1, modRevision} on a conflict.
local key = ARGV[1]
local c, m = meta_of(key)
if not c then
  return {0}
end
if ARGV[3] ~= '0' and ARGV[3] ~= m then
  return {-1, tonumber(m)}
end
local rev = redis.call('INCR', KEYS[1])
local r = string.format('%d', rev)
redis.call('HSET', KEYS[2], key, ARGV[2])
redis.call('HSET', KEYS[3], key, c .. ':' .. r)
redis.call('XADD', KEYS[5], r .. '-1', 't', 'u', 'k', key, 'v', ARGV[2], 'c', c, 'p', m)
autocompact(rev, tonumber(ARGV[4]))
return {1, rev}
