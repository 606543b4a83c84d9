package io.stevedore.apiserver.rest;

import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stevedore.apiserver.admission.Admission;
import io.stevedore.apiserver.admission.AdmissionAttributes;

/**
 * Where the write operations call the admission stage: the mutating phase after
 * defaulting, the validating phase after the apiserver's own validation. The apiserver's
 * in-process writes (no user) are not admitted.
 */
final class AdmissionStep {

	private AdmissionStep() {
	}

	/**
	 * @return the object to continue with (the mutated one)
	 */
	static HasMetadata admit(RestContext context, Scope scope, String operation, HasMetadata object,
			HasMetadata oldObject, boolean dryRun, List<String> warnings) {
		if (scope.user() == null || context.admission() == Admission.NONE) {
			return object;
		}
		return context.admission().admit(attributes(scope, operation, object, oldObject, dryRun), warnings);
	}

	static void validate(RestContext context, Scope scope, String operation, HasMetadata object, HasMetadata oldObject,
			boolean dryRun, List<String> warnings) {
		if (scope.user() == null || context.admission() == Admission.NONE) {
			return;
		}
		context.admission().validate(attributes(scope, operation, object, oldObject, dryRun), warnings);
	}

	/**
	 * Admits a subresource's own object (a Binding, an Eviction): both phases at once.
	 */
	static HasMetadata admitAndValidate(RestContext context, Scope scope, HasMetadata object, boolean dryRun,
			List<String> warnings) {
		HasMetadata admitted = admit(context, scope, AdmissionAttributes.CREATE, object, null, dryRun, warnings);
		validate(context, scope, AdmissionAttributes.CREATE, admitted, null, dryRun, warnings);
		return admitted;
	}

	private static AdmissionAttributes attributes(Scope scope, String operation, HasMetadata object,
			HasMetadata oldObject, boolean dryRun) {
		String name = scope.name();
		HasMetadata named = object != null ? object : oldObject;
		if ((name == null || name.isEmpty()) && named != null && named.getMetadata() != null) {
			name = named.getMetadata().getName();
		}
		return new AdmissionAttributes(operation, scope.type(), scope.info().subresource(), scope.namespace(), name,
				object, oldObject, dryRun, scope.user());
	}

}
