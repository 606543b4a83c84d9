package io.stevedore.apiserver.rest;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stevedore.apiserver.cache.CachedObject;
import io.stevedore.apiserver.codec.MediaTypes;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.machinery.selectors.LabelSelector;
import io.stevedore.storage.KeyValue;

/**
 * {@code pods/binding} (the scheduler's placement: sets spec.nodeName once),
 * {@code pods/eviction} (a delete that respects PodDisruptionBudgets) and
 * {@code pods/log} (where the pod's node agent serves the log; the servlet streams it).
 */
public final class PodSubresources {

	private final RestContext context;

	private final GuaranteedUpdate updates;

	private final DeleteOperations deletes;

	private final PodLogLocation logs;

	private final PodBinder binder;

	public PodSubresources(RestContext context, GuaranteedUpdate updates, DeleteOperations deletes) {
		this.context = context;
		this.logs = new PodLogLocation(context);
		this.binder = new PodBinder(context);
		this.updates = updates;
		this.deletes = deletes;
	}

	public ObjectResult bind(Scope scope) {
		JsonNode tree = this.context.codec().readTree(scope.body(), MediaTypes.bodyFormat(scope.contentType()));
		WriteOptions options = WriteOptions.from(scope.query(), scope.userAgent());
		List<String> admissionWarnings = new ArrayList<>();
		Binding binding = (Binding) AdmissionStep.admitAndValidate(this.context, scope,
				this.context.codec().toTyped(tree, Binding.class), options.dryRun(), admissionWarnings);
		String node = binding.getTarget() == null || binding.getTarget().getName() == null ? ""
				: binding.getTarget().getName();
		if (node.isEmpty()) {
			throw ApiException.invalid("", "Binding", scope.name(),
					List.of(io.stevedore.machinery.errors.FieldError.required("target.name", "")));
		}
		String bindingName = binding.getMetadata() == null || binding.getMetadata().getName() == null ? scope.name()
				: binding.getMetadata().getName();
		if (!bindingName.equals(scope.name())) {
			throw ApiException.badRequest("name in URL does not match name in Binding object");
		}
		this.binder.bind(scope, binding, node, options.dryRun());
		return new ObjectResult(201, null, success(), admissionWarnings);
	}

	/** The node agent's URL of the requested log, after Kubernetes' validation. */
	public java.net.URI logLocation(Scope scope) {
		return this.logs.locate(scope);
	}

	public ObjectResult evict(Scope scope) {
		JsonNode eviction = this.context.codec().readTree(scope.body(), MediaTypes.bodyFormat(scope.contentType()));
		DeleteOptions options = DeleteOptions.from(scope.query(), eviction.path("deleteOptions"));
		List<String> admissionWarnings = new ArrayList<>();
		AdmissionStep.admitAndValidate(this.context, scope, this.context.codec().toTyped(eviction, Eviction.class),
				options.dryRun(), admissionWarnings);
		KeyValue kv = this.context.store().get(scope.key());
		if (kv == null) {
			throw ApiException.notFound("", "pods", scope.name());
		}
		Pod pod = this.context.codec().decodeStored(kv.value(), kv.modRevision(), Pod.class);
		boolean terminal = pod.getStatus() != null
				&& ("Succeeded".equals(pod.getStatus().getPhase()) || "Failed".equals(pod.getStatus().getPhase()));
		if (!terminal && pod.getMetadata().getDeletionTimestamp() == null) {
			checkDisruptionBudgets(pod);
		}
		this.deletes.delete(scope, scope.key(), scope.name(), options);
		return new ObjectResult(201, null, success(), admissionWarnings);
	}

	private void checkDisruptionBudgets(Pod pod) {
		ResourceType pdbs = this.context.registry().find("policy", "v1", "poddisruptionbudgets").orElseThrow();
		this.context.cache().syncWithStore(this.context.consistentReadTimeout());
		for (CachedObject cached : this.context.cache()
			.list(pdbs.keyPrefix(pod.getMetadata().getNamespace()), this.context.cache().revision(), null)) {
			PodDisruptionBudget pdb = this.context.codec()
				.decodeStored(cached.stored(), cached.modRevision(), PodDisruptionBudget.class);
			if (pdb.getSpec() == null || pdb.getSpec().getSelector() == null) {
				continue;
			}
			LabelSelector selector = LabelSelector.from(pdb.getSpec().getSelector());
			if (!selector
				.matches(pod.getMetadata().getLabels() == null ? java.util.Map.of() : pod.getMetadata().getLabels())) {
				continue;
			}
			Integer allowed = pdb.getStatus() == null ? null : pdb.getStatus().getDisruptionsAllowed();
			if (allowed == null || allowed <= 0) {
				throw ApiException.of(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's "
						+ "disruption budget. The disruption budget " + pdb.getMetadata().getName() + " needs "
						+ (pdb.getStatus() == null ? 0 : pdb.getStatus().getDesiredHealthy()) + " healthy pods and has "
						+ (pdb.getStatus() == null ? 0 : pdb.getStatus().getCurrentHealthy()) + " currently");
			}
		}
	}

	private static byte[] success() {
		return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\",\"code\":201}"
			.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

}
