package io.stevedore.apiserver.rest;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Binding;
import io.stevedore.apiserver.codec.MediaTypes;
import io.stevedore.machinery.errors.ApiException;

/**
 * {@code pods/binding} (the scheduler's placement: sets spec.nodeName once),
 * {@code pods/eviction} (a delete that consumes the pod's PodDisruptionBudget, see
 * {@link PodEviction}) and {@code pods/log} (where the pod's node agent serves the log;
 * the servlet streams it).
 */
public final class PodSubresources {

	private final RestContext context;

	private final PodLogLocation logs;

	private final PodBinder binder;

	private final PodEviction evictions;

	public PodSubresources(RestContext context, GuaranteedUpdate updates, DeleteOperations deletes) {
		this.context = context;
		this.logs = new PodLogLocation(context);
		this.binder = new PodBinder(context);
		this.evictions = new PodEviction(context, updates, deletes);
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

	/** See {@link PodEviction}. */
	public ObjectResult evict(Scope scope) {
		return this.evictions.evict(scope);
	}

	private static byte[] success() {
		return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\",\"code\":201}"
			.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

}
