package io.stevedore.storage.redis;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.InvalidDataAccessApiUsageException;

import io.stevedore.storage.StoreException;
import io.stevedore.storage.StoreUnavailableException;

/** Maps Spring Data Redis failures onto the store's exceptions. */
final class RedisErrors {

	private RedisErrors() {
	}

	static boolean isNoScript(Throwable error) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			if (t.getMessage() != null && t.getMessage().contains("NOSCRIPT")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A Redis error reply (a script bug, a wrong type) is the store's own fault; anything
	 * else (refused connection, timeout, disconnected) means Redis is unavailable.
	 */
	static StoreException translate(String url, DataAccessException ex) {
		String message = rootMessage(ex);
		if (ex instanceof InvalidDataAccessApiUsageException || isErrorReply(ex)) {
			return new StoreException("redis " + url + " rejected a command: " + message, ex);
		}
		return new StoreUnavailableException("redis " + url + " is unavailable: " + message, ex);
	}

	private static boolean isErrorReply(Throwable error) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			if (t instanceof io.lettuce.core.RedisCommandExecutionException) {
				String text = String.valueOf(t.getMessage());
				// LOADING / BUSY / READONLY / MISCONF are transient server states, not
				// bugs.
				return !(text.startsWith("LOADING") || text.startsWith("BUSY") || text.startsWith("READONLY")
						|| text.startsWith("MISCONF") || text.startsWith("MASTERDOWN"));
			}
		}
		return false;
	}

	private static String rootMessage(Throwable error) {
		Throwable root = error;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ": " + root.getMessage();
	}

}
