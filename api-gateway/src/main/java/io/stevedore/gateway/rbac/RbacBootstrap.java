package io.stevedore.gateway.rbac;

import java.time.Duration;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Creates the default ClusterRoles and bindings that are missing, like kube-apiserver's
 * RBAC post-start hook; existing ones are left as the cluster's admins changed them. Runs
 * on its own thread and retries until the apiserver answers.
 */
public final class RbacBootstrap implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(RbacBootstrap.class);

	private static final Duration RETRY = Duration.ofSeconds(2);

	private final KubernetesClient client;

	private volatile Thread thread;

	private volatile boolean done;

	public RbacBootstrap(KubernetesClient client) {
		this.client = client;
	}

	/** Creates what is missing, once. */
	public void ensureDefaults() {
		for (HasMetadata role : DefaultRoles.clusterRoles()) {
			createIfMissing(role);
		}
		for (HasMetadata binding : DefaultRoles.clusterRoleBindings()) {
			createIfMissing(binding);
		}
	}

	private void createIfMissing(HasMetadata object) {
		if (this.client.resource(object).get() != null) {
			return;
		}
		try {
			this.client.resource(object).create();
			log.info("created default RBAC object kind={} name={}", object.getKind(), object.getMetadata().getName());
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() != 409) {
				throw ex;
			}
		}
	}

	public boolean isDone() {
		return this.done;
	}

	@Override
	public void start() {
		this.thread = Thread.ofVirtual().name("rbac-bootstrap").start(() -> {
			while (!Thread.currentThread().isInterrupted()) {
				try {
					ensureDefaults();
					this.done = true;
					return;
				}
				catch (RuntimeException ex) {
					log.debug("RBAC bootstrap failed, retrying in {} error={}", RETRY, ex.toString());
					try {
						Thread.sleep(RETRY);
					}
					catch (InterruptedException interrupted) {
						return;
					}
				}
			}
		});
	}

	@Override
	public void stop() {
		Thread running = this.thread;
		if (running != null) {
			running.interrupt();
		}
		this.thread = null;
	}

	@Override
	public boolean isRunning() {
		return this.thread != null;
	}

}
