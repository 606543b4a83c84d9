package io.stevedore.nodeagent.pod;

/**
 * A container cannot be configured from what the API holds (a missing ConfigMap key, a
 * bad reference): Kubernetes' CreateContainerConfigError, retried on the next sync.
 */
public class ContainerConfigException extends Exception {

	public ContainerConfigException(String message) {
		super(message);
	}

}
