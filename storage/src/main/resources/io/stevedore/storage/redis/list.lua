-- ARGV: ZRANGEBYLEX min, max, limit (0: all). Returns {revision, key1, value1, meta1, ...}
-- read atomically, so the page is exactly the state at `revision`.
local limit = tonumber(ARGV[3])
local keys
if limit > 0 then
  keys = redis.call('ZRANGEBYLEX', KEYS[4], ARGV[1], ARGV[2], 'LIMIT', 0, limit)
else
  keys = redis.call('ZRANGEBYLEX', KEYS[4], ARGV[1], ARGV[2])
end
local out = {redis.call('GET', KEYS[1]) or '0'}
for _, k in ipairs(keys) do
  out[#out + 1] = k
  out[#out + 1] = redis.call('HGET', KEYS[2], k)
  out[#out + 1] = redis.call('HGET', KEYS[3], k)
end
return out
