package io.stevedore.nodeagent.serving.auth;

/**
 * A review could not be had (the API unreachable, too slow, an error answer): the agent
 * fails closed, as the kubelet, and does not keep the failure.
 */
public class ReviewException extends Exception {

	public ReviewException(String message, Throwable cause) {
		super(message, cause);
	}

}
