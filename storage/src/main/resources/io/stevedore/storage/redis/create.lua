-- ARGV: key, value, history. Returns {1, rev} or {0} when the key exists.
local key = ARGV[1]
if redis.call('HEXISTS', KEYS[2], key) == 1 then
  return {0}
end
local rev = redis.call('INCR', KEYS[1])
local r = string.format('%d', rev)
redis.call('HSET', KEYS[2], key, ARGV[2])
redis.call('HSET', KEYS[3], key, r .. ':' .. r)
redis.call('ZADD', KEYS[4], 0, key)
redis.call('XADD', KEYS[5], r .. '-1', 't', 'c', 'k', key, 'v', ARGV[2], 'c', r, 'p', '0')
autocompact(rev, tonumber(ARGV[3]))
return {1, rev}
