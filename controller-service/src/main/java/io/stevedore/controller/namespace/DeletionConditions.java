package io.stevedore.controller.namespace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.NamespaceConditionBuilder;

/**
 * The status conditions Kubernetes' namespace controller reports on a Terminating
 * namespace, with its types, reasons and messages, so {@code kubectl describe ns} reads
 * the same. "True" means a problem.
 */
final class DeletionConditions {

	static final String CONTENT_FAILURE = "NamespaceDeletionContentFailure";

	static final String CONTENT_REMAINING = "NamespaceContentRemaining";

	static final String FINALIZERS_REMAINING = "NamespaceFinalizersRemaining";

	static final String DISCOVERY_FAILURE = "NamespaceDeletionDiscoveryFailure";

	private DeletionConditions() {
	}

	static List<NamespaceCondition> of(ContentDeletion deletion) {
		List<NamespaceCondition> conditions = new ArrayList<>();
		conditions
			.add(condition(DISCOVERY_FAILURE, false, "ResourcesDiscovered", "All resources successfully discovered"));
		conditions.add(deletion.errors().isEmpty()
				? condition(CONTENT_FAILURE, false, "ContentDeleted",
						"All content successfully deleted, may be waiting on finalization")
				: condition(CONTENT_FAILURE, true, "ContentDeletionFailed", "Failed to delete all resource types, "
						+ deletion.errors().size() + " remaining: " + String.join(", ", deletion.errors())));
		conditions.add(deletion.remaining().isEmpty()
				? condition(CONTENT_REMAINING, false, "ContentRemoved", "All content successfully removed")
				: condition(CONTENT_REMAINING, true, "SomeResourcesRemain",
						"Some resources are remaining: " + join(deletion.remaining(), "has", "resource instances")));
		conditions.add(deletion.finalizers().isEmpty()
				? condition(FINALIZERS_REMAINING, false, "ContentHasNoFinalizer",
						"All content-preserving finalizers finished")
				: condition(FINALIZERS_REMAINING, true, "SomeFinalizersRemain",
						"Some content in the namespace has finalizers remaining: "
								+ join(deletion.finalizers(), "in", "resource instances")));
		return conditions;
	}

	static List<NamespaceCondition> discoveryFailed(String message) {
		return List.of(condition(DISCOVERY_FAILURE, true, "DiscoveryFailed", "Discovery failed: " + message));
	}

	/**
	 * The current conditions with the new ones merged in; a condition whose status did
	 * not change keeps its lastTransitionTime. Null when nothing changed.
	 */
	static List<NamespaceCondition> merge(List<NamespaceCondition> current, List<NamespaceCondition> updates,
			Instant now) {
		List<NamespaceCondition> merged = new ArrayList<>(current);
		boolean changed = false;
		for (NamespaceCondition update : updates) {
			NamespaceCondition existing = current.stream()
				.filter(c -> c.getType().equals(update.getType()))
				.findFirst()
				.orElse(null);
			if (existing != null && Objects.equals(existing.getStatus(), update.getStatus())
					&& Objects.equals(existing.getReason(), update.getReason())
					&& Objects.equals(existing.getMessage(), update.getMessage())) {
				continue;
			}
			changed = true;
			String transition = (existing != null && Objects.equals(existing.getStatus(), update.getStatus()))
					? existing.getLastTransitionTime()
					: now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
			NamespaceCondition written = new NamespaceConditionBuilder(update).withLastTransitionTime(transition)
				.build();
			if (existing != null) {
				merged.set(merged.indexOf(existing), written);
			}
			else {
				merged.add(written);
			}
		}
		return changed ? merged : null;
	}

	private static String join(Map<String, Integer> counts, String verb, String noun) {
		return counts.entrySet()
			.stream()
			.map(e -> e.getKey() + " " + verb + " " + e.getValue() + " " + noun)
			.collect(Collectors.joining(", "));
	}

	private static NamespaceCondition condition(String type, boolean problem, String reason, String message) {
		return new NamespaceConditionBuilder().withType(type)
			.withStatus(problem ? "True" : "False")
			.withReason(reason)
			.withMessage(message)
			.build();
	}

}
