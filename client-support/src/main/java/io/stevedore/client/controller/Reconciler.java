package io.stevedore.client.controller;

/**
 * One controller's sync for one key (Kubernetes' {@code syncHandler}): read the desired
 * and observed state, act, return. Must be idempotent: the same key may come again any
 * time, and after a crash the work is redone from scratch. Never called twice at once for
 * the same key.
 */
@FunctionalInterface
public interface Reconciler {

	/**
	 * @param key {@code namespace/name}, or {@code name} for cluster-scoped objects
	 * @return when to look again; an exception re-queues the key with backoff
	 */
	Result reconcile(String key) throws Exception;

}
