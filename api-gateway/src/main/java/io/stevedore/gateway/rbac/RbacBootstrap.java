package io.stevedore.gateway.rbac;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Subject;
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
		HasMetadata existing = this.client.resource(object).get();
		if (existing != null) {
			reconcile(existing, object);
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

	/**
	 * A cluster made by an older gateway gets the rules and subjects added since, as
	 * kube-apiserver reconciles its bootstrap roles: missing ones are added, extra ones
	 * kept, and nothing is touched when
	 * {@code rbac.authorization.kubernetes.io/autoupdate} is {@code false}.
	 */
	private void reconcile(HasMetadata existing, HasMetadata wanted) {
		var annotations = existing.getMetadata().getAnnotations();
		if (annotations != null && "false".equals(annotations.get("rbac.authorization.kubernetes.io/autoupdate"))) {
			return;
		}
		boolean changed = false;
		if (existing instanceof ClusterRole role && wanted instanceof ClusterRole defaults) {
			List<PolicyRule> rules = new ArrayList<>(role.getRules() == null ? List.of() : role.getRules());
			for (PolicyRule rule : defaults.getRules()) {
				if (!rules.contains(rule)) {
					rules.add(rule);
					changed = true;
				}
			}
			role.setRules(rules);
		}
		else if (existing instanceof ClusterRoleBinding binding && wanted instanceof ClusterRoleBinding defaults) {
			List<Subject> subjects = new ArrayList<>(binding.getSubjects() == null ? List.of() : binding.getSubjects());
			for (Subject subject : defaults.getSubjects()) {
				if (!subjects.contains(subject)) {
					subjects.add(subject);
					changed = true;
				}
			}
			binding.setSubjects(subjects);
		}
		if (changed) {
			this.client.resource(existing).update();
			log.info("reconciled default RBAC object kind={} name={}", existing.getKind(),
					existing.getMetadata().getName());
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
