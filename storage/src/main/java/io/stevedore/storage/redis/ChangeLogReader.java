package io.stevedore.storage.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;

import io.stevedore.storage.Event;
import io.stevedore.storage.watch.WatchHub;

/**
 * The one thread per store that follows the change log with {@code XREAD BLOCK} and hands
 * each batch to the {@link WatchHub}. It remembers the last revision it read, so after
 * Redis comes back it continues exactly there: watches lose nothing, because the stream
 * is in the AOF.
 */
final class ChangeLogReader implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ChangeLogReader.class);

	static final Duration BLOCK = Duration.ofSeconds(1);

	static final int BATCH = 1000;

	private final LettuceConnectionFactory factory;

	private final byte[] stream;

	private final WatchHub hub;

	private volatile boolean closed;

	private volatile long lastRevision;

	private Thread thread;

	ChangeLogReader(LettuceConnectionFactory factory, byte[] stream, WatchHub hub) {
		this.factory = factory;
		this.stream = stream;
		this.hub = hub;
	}

	void start(long afterRevision) {
		this.lastRevision = afterRevision;
		this.thread = Thread.ofPlatform().name("redis-store-changelog").daemon(true).start(this::run);
	}

	long lastRevision() {
		return this.lastRevision;
	}

	private void run() {
		RedisConnection connection = null;
		long backoff = 50;
		boolean reportedDown = false;
		StreamReadOptions options = StreamReadOptions.empty().count(BATCH).block(BLOCK);
		while (!this.closed) {
			try {
				if (connection == null) {
					connection = this.factory.getConnection();
				}
				List<ByteRecord> records = connection.streamCommands()
					.xRead(options, StreamOffset.create(this.stream, ReadOffset.from(this.lastRevision + "-1")));
				if (reportedDown) {
					log.info("change log reader resumed revision={}", this.lastRevision);
					reportedDown = false;
				}
				backoff = 50;
				if (records == null || records.isEmpty()) {
					continue;
				}
				List<Event> events = new ArrayList<>(records.size());
				for (ByteRecord record : records) {
					events.add(StreamEntries.fromRecord(record.getId().getValue(), record.getValue()));
				}
				this.hub.publish(events);
				this.lastRevision = events.getLast().revision();
			}
			catch (RuntimeException ex) {
				if (this.closed) {
					break;
				}
				if (!reportedDown) {
					log.warn("change log reader cannot read, retrying revision={}: {}", this.lastRevision,
							ex.getMessage());
					reportedDown = true;
				}
				connection = closeQuietly(connection);
				sleep(backoff);
				backoff = Math.min(1000, backoff * 2);
			}
		}
		closeQuietly(connection);
	}

	private static RedisConnection closeQuietly(RedisConnection connection) {
		if (connection != null) {
			try {
				connection.close();
			}
			catch (RuntimeException ex) {
				// the connection is already broken
			}
		}
		return null;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Asks the thread to stop; closing the reader's connection factory then ends a
	 * blocked XREAD.
	 */
	void stop() {
		this.closed = true;
	}

	@Override
	public void close() {
		this.closed = true;
		if (this.thread != null) {
			try {
				this.thread.join(BLOCK.toMillis() + 3000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
