package io.stevedore.apiserver.rest;

import java.time.Clock;
import java.time.Duration;

import io.stevedore.apiserver.admission.Admission;
import io.stevedore.apiserver.cache.WatchCache;
import io.stevedore.apiserver.codec.ObjectCodec;
import io.stevedore.apiserver.rest.strategy.Strategies;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.storage.Store;

/**
 * What every REST operation works with. Built once at start; immutable.
 *
 * @param consistentReadTimeout how long a consistent list waits for the cache to catch up
 * @param admission the admission stage of every write
 */
public record RestContext(Store store, WatchCache cache, ObjectCodec codec, ResourceRegistry registry,
		Strategies strategies, Clock clock, Duration consistentReadTimeout, Admission admission) {

	/** Without admission: every write is admitted unchanged. */
	public RestContext(Store store, WatchCache cache, ObjectCodec codec, ResourceRegistry registry,
			Strategies strategies, Clock clock, Duration consistentReadTimeout) {
		this(store, cache, codec, registry, strategies, clock, consistentReadTimeout, Admission.NONE);
	}

}
