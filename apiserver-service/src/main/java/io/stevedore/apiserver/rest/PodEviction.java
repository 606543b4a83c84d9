package io.stevedore.apiserver.rest;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stevedore.apiserver.cache.CachedObject;
import io.stevedore.apiserver.codec.MediaTypes;
import io.stevedore.apiserver.http.RequestInfo;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.storage.KeyValue;

/**
 * {@code pods/eviction}: a delete that first takes one disruption from the pod's
 * PodDisruptionBudget, as Kubernetes' EvictionREST does.
 *
 * <pre>
 * read pod ── terminal / pending / deleting ──────────────────────────────┐
 *    │                                                                     │
 * budgets selecting it: &gt;1 → 500 · 0 ────────────────────────────────────┤
 *    │ 1                                                                   │
 * unready and the budget may spare it ── delete only this pod revision ──┤
 *    │                                                                     │
 * checkAndDecrement, compare-and-swap of the budget's status (retried) ────┤
 *                                                                          ▼
 *                             condition DisruptionTarget, then the delete
 * </pre>
 *
 * The budget is consumed by a compare-and-swap on its resourceVersion before the pod is
 * touched, so of evictions racing for the last disruption exactly one wins; the others
 * re-read the budget and get 429. A refused eviction writes nothing.
 */
final class PodEviction {

	/** Who the budget's status write is recorded as in managedFields, as Kubernetes. */
	private static final String FIELD_MANAGER = "kube-apiserver";

	private final RestContext context;

	private final GuaranteedUpdate updates;

	private final DeleteOperations deletes;

	PodEviction(RestContext context, GuaranteedUpdate updates, DeleteOperations deletes) {
		this.context = context;
		this.updates = updates;
		this.deletes = deletes;
	}

	ObjectResult evict(Scope scope) {
		JsonNode eviction = this.context.codec().readTree(scope.body(), MediaTypes.bodyFormat(scope.contentType()));
		String evictionName = eviction.path("metadata").path("name").asText("");
		// The Eviction must name the pod: Kubernetes does not fill the name in from the
		// URL.
		if (!evictionName.equals(scope.name())) {
			throw ApiException.badRequest("name in URL does not match name in Eviction object");
		}
		DeleteOptions requested = DeleteOptions.from(scope.query(), eviction.path("deleteOptions"));
		List<String> warnings = new ArrayList<>();
		AdmissionStep.admitAndValidate(this.context, scope, this.context.codec().toTyped(eviction, Eviction.class),
				requested.dryRun(), warnings);
		Pod pod = deleteIfBudgetIgnored(scope, requested);
		if (pod != null) {
			evictUnderBudget(scope, pod, requested);
		}
		return new ObjectResult(201, null, success(), warnings);
	}

	/**
	 * Kubernetes' first loop: a pod that may skip its budget is deleted at once (pinned
	 * to the revision judged when it could still turn ready); a lost race judges again.
	 * @return the pod to judge under its budget, or {@code null} once deleted
	 */
	private Pod deleteIfBudgetIgnored(Scope scope, DeleteOptions requested) {
		ConflictRetry retry = new ConflictRetry();
		while (true) {
			KeyValue kv = this.context.store().get(scope.key());
			if (kv == null) {
				throw ApiException.notFound("", "pods", scope.name());
			}
			Pod pod = this.context.codec().decodeStored(kv.value(), kv.modRevision(), Pod.class);
			if (!DisruptionBudgetCheck.canIgnoreBudget(pod)) {
				return pod;
			}
			DeleteOptions options = DisruptionBudgetCheck.enforcesResourceVersion(pod)
					&& requested.preconditionResourceVersion() == null ? pinned(requested, kv.modRevision())
							: requested;
			try {
				markAndDelete(scope, options);
				return null;
			}
			catch (ApiException ex) {
				// A client's own resourceVersion or uid precondition never comes true
				// by retrying: only the pin set here is retried, as Kubernetes retries.
				if (ex.code() != 409 || requested.preconditionResourceVersion() != null || uidMismatch(requested, pod)
						|| !retry.pauseBeforeRetry()) {
					throw ex;
				}
			}
		}
	}

	private void evictUnderBudget(Scope scope, Pod pod, DeleteOptions requested) {
		List<PodDisruptionBudget> budgets = DisruptionBudgetCheck.selecting(pod,
				budgetsOf(pod.getMetadata().getNamespace()));
		if (budgets.size() > 1) {
			throw DisruptionBudgetCheck.moreThanOneBudget();
		}
		if (budgets.isEmpty()) {
			markAndDelete(scope, requested);
			return;
		}
		PodDisruptionBudget pdb = budgets.get(0);
		if (!DisruptionBudgetCheck.unhealthyMayGoWithoutBudget(pod, pdb)) {
			consume(pdb, pod.getMetadata().getName(), requested.dryRun());
			markAndDelete(scope, requested);
			return;
		}
		// Unready and spared by the budget: only while it is still the pod judged
		// unready.
		boolean pin = requested.preconditionResourceVersion() == null;
		try {
			markAndDelete(scope,
					pin ? pinned(requested, Long.parseLong(pod.getMetadata().getResourceVersion())) : requested);
		}
		catch (ApiException ex) {
			if (ex.code() == 409 && pin) {
				throw DisruptionBudgetCheck.stillProcessing(pdb.getMetadata().getName());
			}
			throw ex;
		}
	}

	/**
	 * Takes one disruption from the budget with a compare-and-swap of its status: a lost
	 * race re-reads the budget and judges again (GuaranteedUpdate), so a budget used up
	 * meanwhile answers 429. A dry run judges the stored budget and writes nothing.
	 */
	private void consume(PodDisruptionBudget pdb, String podName, boolean dryRun) {
		ResourceType type = budgetType();
		String namespace = pdb.getMetadata().getNamespace();
		String name = pdb.getMetadata().getName();
		if (dryRun) {
			KeyValue kv = this.context.store().get(type.key(namespace, name));
			if (kv == null) {
				throw ApiException.notFound(type.group(), type.plural(), name);
			}
			DisruptionBudgetCheck.checkAndDecrement(
					this.context.codec().decodeStored(kv.value(), kv.modRevision(), PodDisruptionBudget.class), podName,
					this.context.clock().instant());
			return;
		}
		RequestInfo info = new RequestInfo("update", type.group(), type.version(), namespace, type.plural(), name,
				"status", "");
		// No user: the apiserver's own write, past admission, as the Eviction was
		// admitted.
		Scope statusScope = new Scope(info, type, java.util.Map.of(), null, MediaTypes.JSON, FIELD_MANAGER);
		this.updates.run(statusScope, new WriteOptions(false, FIELD_MANAGER, "Ignore", false), (current, warnings) -> {
			PodDisruptionBudget budget = (PodDisruptionBudget) current.object();
			DisruptionBudgetCheck.checkAndDecrement(budget, podName, this.context.clock().instant());
			return new Mutation.Mutated(budget, false, true);
		}, false);
	}

	/**
	 * addConditionAndDeletePod: the pod gets the condition DisruptionTarget (not on a dry
	 * run), then is deleted; a resourceVersion precondition moves to the revision the
	 * condition made.
	 */
	private void markAndDelete(Scope scope, DeleteOptions options) {
		DeleteOptions delete = options;
		if (!options.dryRun()) {
			ObjectResult marked = this.updates.run(scope, new WriteOptions(false, FIELD_MANAGER, "Ignore", false),
					(current, warnings) -> {
						// A status change written on the pod itself, as Kubernetes'
						// eviction writes through the pods' status store: changing the
						// loaded pod in place makes the rule "the main resource keeps the
						// old status" compare it with itself. No field manager runs, as
						// none runs on Kubernetes' direct store write.
						Pod pod = (Pod) current.object();
						checkPreconditions(options, pod, scope.name());
						boolean changed = DisruptionBudgetCheck.markDisruptionTarget(pod,
								this.context.clock().instant());
						return new Mutation.Mutated(pod, true, changed);
					}, false);
			if (options.preconditionResourceVersion() != null) {
				delete = pinned(options, resourceVersionOf(marked));
			}
		}
		this.deletes.delete(scope, scope.key(), scope.name(), delete);
	}

	/** Kubernetes' getLatestPod: the preconditions against the pod being marked. */
	private static void checkPreconditions(DeleteOptions options, Pod pod, String name) {
		String uid = options.preconditionUid();
		if (uid != null && !uid.isEmpty() && !uid.equals(pod.getMetadata().getUid())) {
			throw ApiException.conflict("", "Pod", name,
					"the UID in the precondition (" + uid + ") does not match the UID in record ("
							+ pod.getMetadata().getUid() + "). The object might have been deleted and then recreated");
		}
		String resourceVersion = options.preconditionResourceVersion();
		if (resourceVersion != null && !resourceVersion.isEmpty()
				&& !resourceVersion.equals(pod.getMetadata().getResourceVersion())) {
			throw ApiException.conflict("", "Pod", name,
					"the ResourceVersion in the precondition (" + resourceVersion
							+ ") does not match the ResourceVersion in record ("
							+ pod.getMetadata().getResourceVersion() + "). The object might have been modified");
		}
	}

	private static boolean uidMismatch(DeleteOptions options, Pod pod) {
		String uid = options.preconditionUid();
		return uid != null && !uid.isEmpty() && !uid.equals(pod.getMetadata().getUid());
	}

	private static DeleteOptions pinned(DeleteOptions options, long resourceVersion) {
		return new DeleteOptions(options.gracePeriodSeconds(), options.propagationPolicy(), options.preconditionUid(),
				Long.toString(resourceVersion), options.dryRun());
	}

	private long resourceVersionOf(ObjectResult result) {
		JsonNode object = this.context.codec().readTree(result.json(), MediaTypes.Format.JSON);
		return Long.parseLong(object.path("metadata").path("resourceVersion").asText());
	}

	/** The namespace's budgets, as current as the store (a consistent read). */
	private List<PodDisruptionBudget> budgetsOf(String namespace) {
		ResourceType type = budgetType();
		this.context.cache().syncWithStore(this.context.consistentReadTimeout());
		List<PodDisruptionBudget> budgets = new ArrayList<>();
		for (CachedObject cached : this.context.cache()
			.list(type.keyPrefix(namespace), this.context.cache().revision(), null)) {
			budgets.add(this.context.codec()
				.decodeStored(cached.stored(), cached.modRevision(), PodDisruptionBudget.class));
		}
		return budgets;
	}

	private ResourceType budgetType() {
		return this.context.registry().find("policy", "v1", "poddisruptionbudgets").orElseThrow();
	}

	private static byte[] success() {
		return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\",\"code\":201}"
			.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

}
