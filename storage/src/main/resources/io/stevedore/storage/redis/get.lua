-- ARGV: key. Returns {value, "createRevision:modRevision"}, both nil when missing.
return {redis.call('HGET', KEYS[2], ARGV[1]), redis.call('HGET', KEYS[3], ARGV[1])}
