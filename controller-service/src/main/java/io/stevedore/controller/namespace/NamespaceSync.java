package io.stevedore.controller.namespace;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespace controller's sync: a namespace being deleted that still carries the
 * "kubernetes" finalizer has its content deleted; once none is left the finalizer goes
 * through {@code namespaces/{name}/finalize}, and the apiserver removes the namespace.
 * Content does not notify this controller, so a pass that leaves objects behind (pods in
 * their grace period, objects with finalizers) looks again shortly.
 */
final class NamespaceSync implements Reconciler {

	static final String FINALIZER = "kubernetes";

	/** How soon to look again while content remains. */
	static final Duration RECHECK = Duration.ofSeconds(1);

	private static final Logger log = LoggerFactory.getLogger(NamespaceSync.class);

	private final Function<String, Namespace> lister;

	private final NamespaceContent content;

	private final NamespacedResourcesDeleter deleter;

	private final Clock clock;

	NamespaceSync(Function<String, Namespace> lister, NamespaceContent content, Clock clock) {
		this.lister = lister;
		this.content = content;
		this.deleter = new NamespacedResourcesDeleter(content);
		this.clock = clock;
	}

	@Override
	public Result reconcile(String key) {
		Namespace namespace = this.lister.apply(key);
		if (namespace == null || namespace.getMetadata().getDeletionTimestamp() == null) {
			return Result.done();
		}
		List<String> finalizers = namespace.getSpec() == null ? List.of() : namespace.getSpec().getFinalizers();
		if (!finalizers.contains(FINALIZER)) {
			return Result.done();
		}
		String name = namespace.getMetadata().getName();
		ContentDeletion deletion;
		try {
			deletion = this.deleter.deleteAllContent(name);
		}
		catch (RuntimeException ex) {
			// deleteAllContent reports per-resource failures itself; this is discovery.
			updateConditions(namespace, DeletionConditions.discoveryFailed(ex.getMessage()));
			throw ex;
		}
		updateConditions(namespace, DeletionConditions.of(deletion));
		if (!deletion.errors().isEmpty()) {
			throw new IllegalStateException("namespace " + name + ": content deletion failed: " + deletion.errors());
		}
		if (!deletion.done()) {
			log.info("namespace content remaining ns={} remaining={} finalizers={}", name, deletion.remaining(),
					deletion.finalizers());
			return Result.requeueAfter(RECHECK);
		}
		List<String> kept = finalizers.stream().filter(f -> !f.equals(FINALIZER)).toList();
		this.content.finalizeNamespace(name, kept);
		log.info("namespace content deleted, finalized ns={}", name);
		return Result.done();
	}

	private void updateConditions(Namespace namespace, List<NamespaceCondition> conditions) {
		List<NamespaceCondition> current = namespace.getStatus() == null ? List.of()
				: namespace.getStatus().getConditions();
		List<NamespaceCondition> merged = DeletionConditions.merge(current, conditions, this.clock.instant());
		if (merged != null) {
			this.content.updateConditions(namespace.getMetadata().getName(), merged);
		}
	}

}
