package io.stevedore.machinery.apply;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;

import io.stevedore.machinery.errors.ApiException;

/**
 * The 409 an apply gets when it would change fields other managers own, worded as
 * kube-apiserver's fieldmanager does so kubectl prints the same lines.
 */
final class ApplyConflicts {

	private ApplyConflicts() {
	}

	static ApiException of(Map<ManagedFieldsEntry, FieldSet> conflicts) {
		List<Map.Entry<ManagedFieldsEntry, FieldSet>> byManager = new ArrayList<>(conflicts.entrySet());
		byManager.sort(Comparator.comparing(e -> e.getKey().printed()));
		List<StatusCause> causes = new ArrayList<>();
		List<String> lines = new ArrayList<>();
		for (Map.Entry<ManagedFieldsEntry, FieldSet> e : byManager) {
			String manager = e.getKey().printed();
			lines.add("conflicts with " + manager + ":");
			for (List<String> path : e.getValue().paths()) {
				String field = PathElements.describe(path);
				causes.add(new StatusCause(field, "conflict with " + manager, "FieldManagerConflict"));
				lines.add("- " + field);
			}
		}
		String message = causes.size() == 1
				? "Apply failed with 1 conflict: " + causes.get(0).getMessage() + ": " + causes.get(0).getField()
				: "Apply failed with " + causes.size() + " conflicts: " + String.join("\n", lines);
		return new ApiException(new StatusBuilder().withStatus("Failure")
			.withCode(409)
			.withReason("Conflict")
			.withMessage(message)
			.withDetails(new StatusDetailsBuilder().withCauses(causes).build())
			.build());
	}

}
