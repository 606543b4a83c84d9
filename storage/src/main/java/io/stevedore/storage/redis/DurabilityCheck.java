package io.stevedore.storage.redis;

import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;

import io.stevedore.storage.StoreException;

/**
 * Makes Redis acknowledge a write only after it is fsynced to the AOF. Redis 7.0 has no
 * WAITAOF, so the store relies on {@code appendonly yes} + {@code appendfsync always}:
 * the reply to a script is sent only after the AOF write of its event-loop turn is
 * fsynced. When the server is not configured so, the check turns it on with CONFIG SET
 * and waits for the initial AOF rewrite, before which writes would not be in an AOF yet.
 */
final class DurabilityCheck {

	private static final Logger log = LoggerFactory.getLogger(DurabilityCheck.class);

	private static final long REWRITE_TIMEOUT_MILLIS = 60_000;

	private final String url;

	private final boolean required;

	DurabilityCheck(String url, boolean required) {
		this.url = url;
		this.required = required;
	}

	void ensure(RedisConnection connection) {
		try {
			if (isDurable(connection)) {
				return;
			}
			connection.serverCommands().setConfig("appendfsync", "always");
			connection.serverCommands().setConfig("appendonly", "yes");
			awaitAofReady(connection);
			log.warn(
					"redis was not durable; turned on appendonly yes + appendfsync always url={}"
							+ " (persist it in redis.conf: CONFIG SET is lost on restart unless CONFIG REWRITE)",
					this.url);
		}
		catch (DataAccessException | IllegalStateException ex) {
			String message = "redis " + this.url + " does not fsync every write (need appendonly yes and"
					+ " appendfsync always) or cannot tell, and CONFIG GET/SET was refused: " + ex.getMessage()
					+ ". Configure redis.conf with 'appendonly yes' and 'appendfsync always', or set requireDurable=false";
			if (this.required) {
				throw new StoreException(message, ex);
			}
			log.warn("{}; continuing without durable writes because requireDurable=false", message);
		}
	}

	private boolean isDurable(RedisConnection connection) {
		String appendonly = value(connection.serverCommands().getConfig("appendonly"), "appendonly");
		String appendfsync = value(connection.serverCommands().getConfig("appendfsync"), "appendfsync");
		return "yes".equalsIgnoreCase(appendonly) && "always".equalsIgnoreCase(appendfsync);
	}

	private void awaitAofReady(RedisConnection connection) {
		long deadline = System.currentTimeMillis() + REWRITE_TIMEOUT_MILLIS;
		while (System.currentTimeMillis() < deadline) {
			Properties info = connection.serverCommands().info("persistence");
			if ("1".equals(info.getProperty("aof_enabled")) && "0".equals(info.getProperty("aof_rewrite_in_progress"))
					&& "0".equals(info.getProperty("aof_rewrite_scheduled"))) {
				return;
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted while waiting for the AOF rewrite", ex);
			}
		}
		throw new IllegalStateException(
				"the initial AOF rewrite did not finish within " + REWRITE_TIMEOUT_MILLIS + " ms");
	}

	/**
	 * CONFIG GET replies as a Properties of name/value; older clients return a flat list.
	 */
	private static String value(Properties reply, String name) {
		if (reply == null) {
			return null;
		}
		String direct = reply.getProperty(name);
		return (direct != null) ? direct : reply.getProperty("1");
	}

}
