package io.stevedore.storage.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import io.stevedore.storage.CompactedException;
import io.stevedore.storage.Event;
import io.stevedore.storage.KeyExistsException;
import io.stevedore.storage.KeyNotFoundException;
import io.stevedore.storage.KeyValue;
import io.stevedore.storage.ListPage;
import io.stevedore.storage.RevisionConflictException;
import io.stevedore.storage.Store;
import io.stevedore.storage.StoreConfig;
import io.stevedore.storage.StoreException;
import io.stevedore.storage.StoreUnavailableException;
import io.stevedore.storage.Watch;
import io.stevedore.storage.watch.WatchHub;

/**
 * The store on Redis, shared by any number of apiserver replicas.
 *
 * <pre>
 *  write --EVALSHA create/update/delete.lua--> Redis: check meta, INCR rev, HSET data+meta,
 *                                              ZADD keys, XADD log "rev-1", maybe XTRIM
 *        (reply after the AOF fsync: appendfsync always)
 *  read  --EVALSHA get/list.lua--------------> an atomic view with its revision
 *  ChangeLogReader: XREAD BLOCK log --> WatchHub --> watches (replay: history.lua = XRANGE)
 * </pre>
 *
 * Every write is one script, so Redis serializes them: the stream's order is the revision
 * order, the same for every replica's watches.
 *
 * <p>
 * Threading: thread-safe. Commands take turns on {@value #COMMAND_CONNECTIONS} shared,
 * pipelined Lettuce connections, so concurrent writes land in the same Redis event-loop
 * turn and share its fsync (a natural group commit). A caller's commands still run in its
 * order (each waits for its reply), and every write is one atomic script, so which
 * connection carries it changes nothing in the revision order. While Redis is
 * unreachable, calls fail at once with {@link StoreUnavailableException} (Lettuce rejects
 * commands while disconnected, and a command times out after {@link #COMMAND_TIMEOUT});
 * Lettuce reconnects by itself.
 */
public final class RedisStore implements Store {

	private static final Logger log = LoggerFactory.getLogger(RedisStore.class);

	static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

	private static final byte[] ZERO = bytes("0");

	private final String url;

	private final StoreConfig config;

	private final RedisKeys keys;

	private final byte[] history;

	private final ClientResources resources;

	/**
	 * Connections the commands take turns on. Redis reads at most 16 KiB from a
	 * connection per event-loop turn, and with {@code appendfsync always} every turn ends
	 * in an fsync: on one connection, writes of pod-sized values got ~4 per fsync. Four
	 * connections let a turn take up to four times as many: in {@code UpdateBench} (64
	 * clients, 2 KiB values, loaded machine) Redis' CPU per get+update fell from 61-80 to
	 * 48-54 us, this JVM's from 73-88 to 54-77 us, and the rate rose 1.4-2 times.
	 */
	static final int COMMAND_CONNECTIONS = 4;

	private final LettuceConnectionFactory[] commands = new LettuceConnectionFactory[COMMAND_CONNECTIONS];

	private final AtomicInteger nextConnection = new AtomicInteger();

	private final LettuceConnectionFactory reader;

	private final WatchHub hub;

	private final ChangeLogReader changeLog;

	private volatile boolean closed;

	private RedisStore(StoreConfig config) {
		this.url = config.url();
		this.config = config;
		this.keys = RedisKeys.of(config.keyPrefix());
		this.history = bytes(Long.toString(config.watchHistory()));
		this.resources = DefaultClientResources.builder()
			.reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2,
					java.util.concurrent.TimeUnit.MILLISECONDS))
			.build();
		RedisStandaloneConfiguration server = server(config.url());
		for (int i = 0; i < this.commands.length; i++) {
			this.commands[i] = factory(server, true);
		}
		// The change log reader blocks in XREAD: it needs a connection of its own.
		this.reader = factory(server, false);
		this.hub = new WatchHub("redis", this::eventsAfter);
		this.changeLog = new ChangeLogReader(this.reader, this.keys.log(), this.hub);
	}

	/**
	 * Connects, makes sure Redis acknowledges writes only once they are in an fsynced
	 * AOF, and starts the change log reader.
	 * @throws StoreException when Redis cannot be reached, or cannot be made durable
	 * while {@code requireDurable} is set
	 */
	public static RedisStore open(StoreConfig config) {
		RedisStore store = new RedisStore(config);
		try {
			store.execute(connection -> {
				new DurabilityCheck(config.url(), config.requireDurable()).ensure(connection);
				return null;
			});
			store.changeLog.start(store.currentRevision());
			log.info("redis store open url={} prefix={} revision={}", store.url, config.keyPrefix(),
					store.currentRevision());
			return store;
		}
		catch (RuntimeException ex) {
			store.close();
			throw ex;
		}
	}

	private static RedisStandaloneConfiguration server(String url) {
		RedisURI uri;
		try {
			uri = RedisURI.create(url);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("storage url '" + url + "' is not redis://host:port[/db]", ex);
		}
		RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(uri.getHost(), uri.getPort());
		server.setDatabase(uri.getDatabase());
		if (uri.getPassword() != null && uri.getPassword().length > 0) {
			server.setPassword(RedisPassword.of(uri.getPassword()));
		}
		if (uri.getUsername() != null) {
			server.setUsername(uri.getUsername());
		}
		return server;
	}

	private LettuceConnectionFactory factory(RedisStandaloneConfiguration server, boolean shared) {
		ClientOptions options = ClientOptions.builder()
			.autoReconnect(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.socketOptions(SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).build())
			.timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
			.build();
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.clientResources(this.resources)
			.clientOptions(options)
			.commandTimeout(COMMAND_TIMEOUT)
			.shutdownTimeout(Duration.ZERO)
			.clientName(shared ? "stevedore-store" : "stevedore-store-watch")
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(server, client);
		factory.setShareNativeConnection(shared);
		factory.setValidateConnection(false);
		factory.afterPropertiesSet();
		if (!factory.isRunning()) {
			factory.start();
		}
		return factory;
	}

	// ---- reads

	@Override
	public long currentRevision() {
		return execute(connection -> number(connection.stringCommands().get(this.keys.rev())));
	}

	@Override
	public long compactedRevision() {
		return execute(connection -> number(connection.stringCommands().get(this.keys.compacted())));
	}

	@Override
	public KeyValue get(String key) {
		requireKey(key);
		List<Object> reply = eval(RedisScript.GET, bytes(key));
		if (reply.get(0) == null) {
			return null;
		}
		return keyValue(key, (byte[]) reply.get(0), (byte[]) reply.get(1));
	}

	@Override
	public ListPage list(String prefix, String startAfterKey, int limit) {
		String from = (prefix != null) ? prefix : "";
		if (limit < 0) {
			throw new IllegalArgumentException("limit must not be negative, got " + limit);
		}
		byte[] min = (startAfterKey == null || startAfterKey.compareTo(from) < 0)
				? (from.isEmpty() ? bytes("-") : bytes("[" + from)) : bytes("(" + startAfterKey);
		byte[] max = from.isEmpty() ? bytes("+") : upperBound(from);
		List<Object> reply = eval(RedisScript.LIST, min, max, bytes(Integer.toString(limit == 0 ? 0 : limit + 1)));
		long revision = number((byte[]) reply.get(0));
		List<KeyValue> items = new ArrayList<>((reply.size() - 1) / 3);
		for (int i = 1; i + 2 < reply.size(); i += 3) {
			String key = StreamEntries.text(reply.get(i));
			if (reply.get(i + 1) != null && key.startsWith(from)) {
				items.add(keyValue(key, (byte[]) reply.get(i + 1), (byte[]) reply.get(i + 2)));
			}
		}
		boolean more = limit > 0 && items.size() > limit;
		return new ListPage(List.copyOf(more ? items.subList(0, limit) : items), revision, more);
	}

	/** {@code [prefix\xff}: above every UTF-8 key that starts with the prefix. */
	private static byte[] upperBound(String prefix) {
		byte[] p = bytes("[" + prefix);
		byte[] bound = java.util.Arrays.copyOf(p, p.length + 1);
		bound[p.length] = (byte) 0xff;
		return bound;
	}

	@Override
	public Watch watch(String prefix, long afterRevision, Consumer<List<Event>> consumer) {
		long compacted = compactedRevision();
		if (afterRevision < compacted) {
			throw new CompactedException(
					"revision " + afterRevision + " is compacted (oldest watchable: " + compacted + ")");
		}
		return this.hub.watch(prefix, afterRevision, consumer);
	}

	/**
	 * The watch history: XRANGE after a revision, checked against compaction atomically.
	 */
	private List<Event> eventsAfter(long afterRevision, int limit) {
		List<Object> reply = eval(RedisScript.HISTORY, bytes(Long.toString(afterRevision)),
				bytes(Integer.toString(limit)));
		long compacted = (Long) reply.get(0);
		if (afterRevision < compacted) {
			throw new CompactedException(
					"revision " + afterRevision + " is compacted (oldest watchable: " + compacted + ")");
		}
		List<?> entries = (List<?>) reply.get(2);
		List<Event> events = new ArrayList<>(entries.size());
		for (Object entry : entries) {
			events.add(StreamEntries.fromReply(entry));
		}
		return events;
	}

	// ---- writes

	@Override
	public long create(String key, byte[] value) {
		requireKey(key);
		requireValue(value);
		List<Object> reply = eval(RedisScript.CREATE, bytes(key), value, this.history);
		if ((Long) reply.get(0) == 0) {
			throw new KeyExistsException("key " + key + " already exists");
		}
		return (Long) reply.get(1);
	}

	@Override
	public long update(String key, byte[] value, long expectedModRevision) {
		requireKey(key);
		requireValue(value);
		List<Object> reply = eval(RedisScript.UPDATE, bytes(key), value, revisionArgument(expectedModRevision),
				this.history);
		checkWritten(key, expectedModRevision, reply);
		return (Long) reply.get(1);
	}

	@Override
	public KeyValue delete(String key, long expectedModRevision) {
		requireKey(key);
		List<Object> reply = eval(RedisScript.DELETE, bytes(key), revisionArgument(expectedModRevision), this.history);
		checkWritten(key, expectedModRevision, reply);
		byte[] value = (reply.get(2) != null) ? (byte[]) reply.get(2) : new byte[0];
		return new KeyValue(key, value, (Long) reply.get(3), (Long) reply.get(1));
	}

	private static void checkWritten(String key, long expected, List<Object> reply) {
		long status = (Long) reply.get(0);
		if (status == 0) {
			throw new KeyNotFoundException("key " + key + " not found");
		}
		if (status < 0) {
			throw new RevisionConflictException(
					"key " + key + ": expected modRevision " + expected + " but it is " + reply.get(1));
		}
	}

	@Override
	public void compact(long revision) {
		List<Object> reply = eval(RedisScript.COMPACT, bytes(Long.toString(revision)));
		if ((Long) reply.get(0) < 0) {
			throw new IllegalArgumentException("cannot compact to revision " + revision
					+ ": it is newer than the current revision " + reply.get(1));
		}
	}

	// ---- plumbing

	private List<Object> eval(RedisScript script, byte[]... arguments) {
		byte[][] keysAndArgs = this.keys.with(arguments);
		return execute(connection -> {
			try {
				return connection.scriptingCommands()
					.evalSha(script.sha1(), ReturnType.MULTI, RedisKeys.COUNT, keysAndArgs);
			}
			catch (DataAccessException ex) {
				if (!RedisErrors.isNoScript(ex)) {
					throw ex;
				}
				// First use on this server (or after a restart without the script cache).
				return connection.scriptingCommands()
					.eval(script.source(), ReturnType.MULTI, RedisKeys.COUNT, keysAndArgs);
			}
		});
	}

	private <T> T execute(Function<RedisConnection, T> action) {
		return execute(this.commands[Math.floorMod(this.nextConnection.getAndIncrement(), this.commands.length)],
				action);
	}

	private <T> T execute(LettuceConnectionFactory factory, Function<RedisConnection, T> action) {
		if (this.closed) {
			throw new StoreUnavailableException("redis store " + this.url + " is closed");
		}
		try (RedisConnection connection = factory.getConnection()) {
			return action.apply(connection);
		}
		catch (DataAccessException ex) {
			throw RedisErrors.translate(this.url, ex);
		}
	}

	private static KeyValue keyValue(String key, byte[] value, byte[] meta) {
		String text = new String(meta, StandardCharsets.UTF_8);
		int colon = text.indexOf(':');
		return new KeyValue(key, value, Long.parseLong(text.substring(0, colon)),
				Long.parseLong(text.substring(colon + 1)));
	}

	private static long number(byte[] raw) {
		return (raw == null) ? 0 : Long.parseLong(new String(raw, StandardCharsets.UTF_8));
	}

	private static byte[] revisionArgument(long revision) {
		return (revision == 0) ? ZERO : bytes(Long.toString(revision));
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static void requireKey(String key) {
		if (key == null || key.isEmpty()) {
			throw new IllegalArgumentException("key must not be empty");
		}
	}

	private static void requireValue(byte[] value) {
		if (value == null) {
			throw new IllegalArgumentException("value must not be null");
		}
	}

	@Override
	public boolean isAvailable() {
		if (this.closed) {
			return false;
		}
		try {
			// Every connection: after an outage each one reconnects on its own schedule,
			// and a command may go to any of them.
			for (LettuceConnectionFactory factory : this.commands) {
				execute(factory, RedisConnection::ping);
			}
			return true;
		}
		catch (StoreException ex) {
			return false;
		}
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.changeLog.stop();
		this.reader.destroy();
		this.changeLog.close();
		this.hub.close();
		for (LettuceConnectionFactory factory : this.commands) {
			factory.destroy();
		}
		this.resources.shutdown(0, 1, java.util.concurrent.TimeUnit.SECONDS);
	}

	StoreConfig config() {
		return this.config;
	}

}
