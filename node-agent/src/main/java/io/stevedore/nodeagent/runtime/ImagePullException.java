package io.stevedore.nodeagent.runtime;

/** A pull the registry refused or could not serve; the message is the registry's. */
public class ImagePullException extends Exception {

	public ImagePullException(String message, Throwable cause) {
		super(message, cause);
	}

}
