-- ARGV: revision. Returns {1} when compacted, {0} when already compacted that far,
-- {-1, currentRevision} for a future revision.
local to = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if to > current then
  return {-1, current}
end
local compacted = tonumber(redis.call('GET', KEYS[6]) or '0')
if to <= compacted then
  return {0}
end
redis.call('XTRIM', KEYS[5], 'MINID', string.format('%d-0', to + 1))
redis.call('SET', KEYS[6], string.format('%d', to))
return {1}
