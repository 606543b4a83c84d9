package io.stevedore.nodeagent.serving.auth;

/** Whether a call to the agent's API is allowed (the kubelet's authorization mode). */
@FunctionalInterface
public interface AccessReviews {

	/**
	 * @throws ReviewException when there is no answer
	 */
	boolean allowed(RequestAttributes attributes) throws ReviewException;

}
