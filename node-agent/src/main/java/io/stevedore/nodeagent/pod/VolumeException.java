package io.stevedore.nodeagent.pod;

/** A volume could not be set up (Kubernetes' FailedMount); retried on the next sync. */
public class VolumeException extends Exception {

	public VolumeException(String message) {
		super(message);
	}

}
