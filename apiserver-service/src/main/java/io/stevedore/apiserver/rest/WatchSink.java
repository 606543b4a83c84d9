package io.stevedore.apiserver.rest;

import java.io.IOException;

import io.fabric8.kubernetes.api.model.Status;
import io.stevedore.apiserver.cache.CachedObject;

/**
 * Where a watch writes its events; the HTTP layer renders them as JSON, YAML or Table.
 */
public interface WatchSink {

	/**
	 * @param type ADDED, MODIFIED or DELETED
	 */
	void event(String type, CachedObject object) throws IOException;

	void bookmark(long revision, boolean initialEventsEnd) throws IOException;

	void error(Status status) throws IOException;

	void flush() throws IOException;

}
