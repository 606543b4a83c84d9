package io.stevedore.storage.redis;

import java.nio.charset.StandardCharsets;

/**
 * The Redis keys of one store namespace ({@code <prefix>:...}), in the order every script
 * receives them as KEYS[1..6].
 *
 * <pre>
 *  prefix:rev        counter, the current revision (INCR per write)
 *  prefix:data       hash key -> value bytes
 *  prefix:meta       hash key -> "createRevision:modRevision"
 *  prefix:keys       sorted set of keys, score 0, for ZRANGEBYLEX prefix paging
 *  prefix:log        stream, entry "&lt;revision&gt;-1" per write: the change log
 *  prefix:compacted  the revision the log is trimmed to
 * </pre>
 */
record RedisKeys(byte[] rev, byte[] data, byte[] meta, byte[] keys, byte[] log, byte[] compacted) {

	static RedisKeys of(String prefix) {
		return new RedisKeys(key(prefix, "rev"), key(prefix, "data"), key(prefix, "meta"), key(prefix, "keys"),
				key(prefix, "log"), key(prefix, "compacted"));
	}

	private static byte[] key(String prefix, String name) {
		return (prefix + ":" + name).getBytes(StandardCharsets.UTF_8);
	}

	/** KEYS followed by ARGV, as EVAL wants them. */
	byte[][] with(byte[]... arguments) {
		byte[][] all = new byte[6 + arguments.length][];
		all[0] = this.rev;
		all[1] = this.data;
		all[2] = this.meta;
		all[3] = this.keys;
		all[4] = this.log;
		all[5] = this.compacted;
		System.arraycopy(arguments, 0, all, 6, arguments.length);
		return all;
	}

	static final int COUNT = 6;

}
