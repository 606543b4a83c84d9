package io.stevedore.apiserver.rest.strategy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceSpec;
import io.fabric8.kubernetes.api.model.NamespaceStatus;

/**
 * Namespaces start Active with the "kubernetes" finalizer, which the namespace controller
 * removes once the namespace's contents are gone.
 */
final class NamespaceStrategy implements ResourceStrategy {

	@Override
	public void prepareForCreate(HasMetadata object, Instant now) {
		Namespace namespace = (Namespace) object;
		NamespaceStatus status = new NamespaceStatus();
		status.setPhase("Active");
		namespace.setStatus(status);
		NamespaceSpec spec = namespace.getSpec() == null ? new NamespaceSpec() : namespace.getSpec();
		List<String> finalizers = new ArrayList<>(spec.getFinalizers());
		if (!finalizers.contains("kubernetes")) {
			finalizers.add("kubernetes");
		}
		spec.setFinalizers(finalizers);
		namespace.setSpec(spec);
		// The namespace's name as a label, as Kubernetes sets it
		// (NamespaceDefaultLabelName).
		var labels = new java.util.LinkedHashMap<String, String>(
				object.getMetadata().getLabels() == null ? java.util.Map.of() : object.getMetadata().getLabels());
		labels.put("kubernetes.io/metadata.name", object.getMetadata().getName());
		object.getMetadata().setLabels(labels);
	}

	@Override
	public boolean deletionBlocked(HasMetadata object) {
		Namespace namespace = (Namespace) object;
		return namespace.getSpec() != null && !namespace.getSpec().getFinalizers().isEmpty();
	}

	@Override
	public void prepareForUpdate(HasMetadata object, HasMetadata old) {
		// spec.finalizers change only through /finalize, as in Kubernetes.
		NamespaceSpec oldSpec = ((Namespace) old).getSpec();
		NamespaceSpec spec = ((Namespace) object).getSpec() == null ? new NamespaceSpec()
				: ((Namespace) object).getSpec();
		spec.setFinalizers(oldSpec == null ? new ArrayList<>() : new ArrayList<>(oldSpec.getFinalizers()));
		((Namespace) object).setSpec(spec);
		var labels = new java.util.LinkedHashMap<String, String>(
				object.getMetadata().getLabels() == null ? java.util.Map.of() : object.getMetadata().getLabels());
		labels.put("kubernetes.io/metadata.name", object.getMetadata().getName());
		object.getMetadata().setLabels(labels);
	}

}
