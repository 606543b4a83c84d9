-- ARGV: afterRevision, count. Returns {compactedRevision, currentRevision, entries} read
-- atomically, so "compacted" and "no entries" cannot disagree.
local compacted = tonumber(redis.call('GET', KEYS[6]) or '0')
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local from = string.format('%d-0', tonumber(ARGV[1]) + 1)
return {compacted, current, redis.call('XRANGE', KEYS[5], from, '+', 'COUNT', tonumber(ARGV[2]))}
