package io.stevedore.nodeagent.pod;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.stevedore.nodeagent.runtime.ContainerDetails;
import io.stevedore.nodeagent.runtime.RuntimeLabels;

/**
 * What the engine holds for one pod: its sandboxes and, per container name, the instances
 * newest first (the newest is the current one, the one before gives lastState).
 */
record Observed(List<ContainerDetails> sandboxes, Map<String, List<ContainerDetails>> byName) {

	static final Comparator<ContainerDetails> NEWEST_FIRST = Comparator.comparingInt(Observed::restartCount)
		.thenComparing(ContainerDetails::createdAt, Comparator.nullsFirst(Comparator.naturalOrder()))
		.reversed();

	static Observed of(List<ContainerDetails> containers) {
		List<ContainerDetails> sandboxes = containers.stream()
			.filter(c -> RuntimeLabels.TYPE_SANDBOX.equals(c.labels().get(RuntimeLabels.TYPE)))
			.sorted(NEWEST_FIRST)
			.toList();
		Map<String, List<ContainerDetails>> byName = containers.stream()
			.filter(c -> !RuntimeLabels.TYPE_SANDBOX.equals(c.labels().get(RuntimeLabels.TYPE)))
			.collect(Collectors.groupingBy(c -> c.labels().getOrDefault(RuntimeLabels.CONTAINER_NAME, ""),
					Collectors.collectingAndThen(Collectors.toList(), l -> l.stream().sorted(NEWEST_FIRST).toList())));
		return new Observed(sandboxes, byName);
	}

	/** The running sandbox, or null. */
	ContainerDetails runningSandbox() {
		return this.sandboxes.stream().filter(ContainerDetails::running).findFirst().orElse(null);
	}

	ContainerDetails current(String name) {
		List<ContainerDetails> instances = this.byName.get(name);
		return instances == null || instances.isEmpty() ? null : instances.get(0);
	}

	ContainerDetails previous(String name) {
		List<ContainerDetails> instances = this.byName.get(name);
		return instances == null || instances.size() < 2 ? null : instances.get(1);
	}

	static int restartCount(ContainerDetails container) {
		try {
			return Integer.parseInt(container.labels().getOrDefault(RuntimeLabels.RESTART_COUNT, "0"));
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
