package io.stevedore.proxy.service.model;

import java.util.Map;

/**
 * Programs a node so Service traffic reaches the endpoints of a {@link ProxyState}. One
 * implementation per mode: kernel rules or a user-space proxy. Called from one thread.
 */
public interface DataPlane extends AutoCloseable {

	/** Prepares the host and removes what a previous run of this proxy left behind. */
	void start();

	/**
	 * Makes the node forward as {@code state} says; returns what it could not program.
	 */
	ApplyResult apply(ProxyState state);

	/** Stops forwarding; removes this proxy's rules and addresses when configured to. */
	@Override
	void close();

	/**
	 * The outcome of one {@link #apply}.
	 *
	 * @param applied the state (minus {@code failures}) is now in the data plane
	 * @param failures Services ({@code namespace/name}) left out, and why
	 * @param rules how many rules, listeners or routes the plane holds now
	 * @param error why nothing was applied, when {@code applied} is false
	 */
	record ApplyResult(boolean applied, Map<String, String> failures, int rules, String error) {

		public static ApplyResult failed(String error) {
			return new ApplyResult(false, Map.of(), 0, error);
		}

	}

}
