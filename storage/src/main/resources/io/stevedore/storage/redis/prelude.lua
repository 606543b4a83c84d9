-- Shared by every write script. KEYS: 1 rev, 2 data, 3 meta, 4 keys, 5 log, 6 compacted.
-- A change log entry has the ID "<revision>-1" and the fields
-- t (c|u|d), k (key), v (value; the last value for a delete), c (createRevision), p (prevModRevision).

-- Keeps about `history` revisions of change log: trims in steps of a tenth of it, so a write
-- pays for trimming only now and then.
local function autocompact(rev, history)
  local compacted = tonumber(redis.call('GET', KEYS[6]) or '0')
  if rev - compacted > history + math.max(1, math.floor(history / 10)) then
    local to = rev - history
    redis.call('XTRIM', KEYS[5], 'MINID', string.format('%d-0', to + 1))
    redis.call('SET', KEYS[6], string.format('%d', to))
  end
end

local function meta_of(key)
  local meta = redis.call('HGET', KEYS[3], key)
  if not meta then
    return nil
  end
  local c, m = string.match(meta, '^(%d+):(%d+)$')
  return c, m
end
