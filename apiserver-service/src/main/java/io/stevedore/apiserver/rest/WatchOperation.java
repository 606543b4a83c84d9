package io.stevedore.apiserver.rest;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.stevedore.apiserver.cache.CachedEvent;
import io.stevedore.apiserver.cache.CachedObject;
import io.stevedore.apiserver.cache.WatchFilter;
import io.stevedore.apiserver.cache.Watcher;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceType;

/**
 * A watch: optional initial state as synthetic ADDED events, then every change in order
 * until the timeout, the client going away or the cache dropping a watcher that fell too
 * far behind (the client resumes from its last resourceVersion).
 *
 * <p>
 * Runs on the request's own (virtual) thread, which blocks between events.
 */
public final class WatchOperation {

	/** Kubernetes' default watch timeout is a random point in [minRequestTimeout, 2x). */
	private static final long MIN_REQUEST_TIMEOUT_SECONDS = 1800;

	private static final long BOOKMARK_INTERVAL_MILLIS = 60_000;

	private static final long POLL_MILLIS = 5_000;

	private final RestContext context;

	private final int queueCapacity;

	public WatchOperation(RestContext context, int queueCapacity) {
		this.context = context;
		this.queueCapacity = queueCapacity;
	}

	public void watch(Scope scope, ListOptions options, WatchSink sink) throws IOException {
		ResourceType type = scope.type();
		WatchFilter filter = ReadOperations.filter(type, scope.namespace(), options);
		String prefix = scope.info().name().isEmpty() ? type.keyPrefix(scope.namespace()) : scope.key();
		String rv = options.resourceVersion();
		boolean initialEvents = options.sendInitialEvents() != null ? options.sendInitialEvents()
				: (rv.isEmpty() || rv.equals("0"));
		long after;
		if (rv.isEmpty()) {
			after = this.context.cache().syncWithStore(this.context.consistentReadTimeout());
		}
		else if (rv.equals("0")) {
			after = this.context.cache().revision();
		}
		else {
			after = ListOptions.parseRevision(rv, "resourceVersion");
			this.context.cache().waitForRevision(after, this.context.consistentReadTimeout());
			if (initialEvents) {
				after = this.context.cache().revision();
			}
		}
		Watcher watcher;
		try {
			watcher = this.context.cache().watch(type, prefix, filter, after, this.queueCapacity);
		}
		catch (ApiException ex) {
			sink.error(ex.status());
			sink.flush();
			return;
		}
		try (watcher) {
			if (initialEvents) {
				for (CachedObject object : this.context.cache().list(prefix, after, null)) {
					if (filter.matches(object) && (scope.info().name().isEmpty() || object.key().equals(prefix))) {
						sink.event("ADDED", object);
					}
				}
				if (Boolean.TRUE.equals(options.sendInitialEvents())) {
					sink.bookmark(after, true);
				}
				sink.flush();
			}
			stream(scope, options, watcher, sink);
		}
	}

	private void stream(Scope scope, ListOptions options, Watcher watcher, WatchSink sink) throws IOException {
		long timeoutSeconds = options.timeoutSeconds() > 0 ? options.timeoutSeconds()
				: MIN_REQUEST_TIMEOUT_SECONDS + ThreadLocalRandom.current().nextLong(MIN_REQUEST_TIMEOUT_SECONDS);
		long deadline = System.currentTimeMillis() + timeoutSeconds * 1000;
		long lastBookmark = System.currentTimeMillis();
		boolean single = !scope.info().name().isEmpty();
		while (!watcher.isTerminated()) {
			long left = deadline - System.currentTimeMillis();
			if (left <= 0) {
				break;
			}
			List<CachedEvent> events;
			try {
				events = watcher.poll(Math.min(left, POLL_MILLIS));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			for (CachedEvent event : events) {
				if (single && !event.object().key().equals(scope.key())) {
					continue;
				}
				sink.event(event.type().name(), event.object());
			}
			if (!events.isEmpty()) {
				sink.flush();
			}
			long now = System.currentTimeMillis();
			if (options.allowWatchBookmarks() && now - lastBookmark >= BOOKMARK_INTERVAL_MILLIS) {
				long revision = watcher.bookmarkRevision();
				if (revision > 0) {
					sink.bookmark(revision, false);
					sink.flush();
					lastBookmark = now;
				}
			}
		}
	}

}
