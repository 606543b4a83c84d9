package io.stevedore.controller.manager;

import java.time.Clock;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.client.rest.RestClient;
import io.stevedore.client.workqueue.ExponentialFailureRateLimiter;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.api.ApiDiscovery;

/**
 * What a controller gets to run with.
 *
 * @param workers how many keys it may reconcile at once
 * @param informers the term's shared informers; handlers added through it are removed
 * when the controller stops
 */
public record ControllerContext(KubernetesClient client, RestClient rest, ApiDiscovery discovery, Clock clock,
		int workers, ControllerInformers informers) {

	/** A work queue on the context's clock with client-go's default backoff. */
	public WorkQueue<String> newQueue() {
		return new WorkQueue<>(this.clock, ExponentialFailureRateLimiter.defaults());
	}

}
