package io.stevedore.controller.horizontalpodautoscaler;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/** Pods and metrics for the HPA's unit tests. */
final class HpaFixtures {

	static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

	private HpaFixtures() {
	}

	/** A running pod started an hour ago, ready since then, requesting cpu. */
	static Pod pod(String name, String cpuRequest) {
		return pod(name, cpuRequest, "Running", "True");
	}

	static Pod pod(String name, String cpuRequest, String phase, String ready) {
		String started = NOW.minus(Duration.ofHours(1)).toString();
		PodBuilder builder = new PodBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("default")
			.addToLabels("app", "web")
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("app")
			.withNewResources()
			.addToRequests(cpuRequest == null ? Map.of() : Map.of("cpu", new Quantity(cpuRequest)))
			.endResources()
			.endContainer()
			.endSpec()
			.withNewStatus()
			.withPhase(phase)
			.withStartTime(started)
			.endStatus();
		if (ready != null) {
			builder.editStatus()
				.addNewCondition()
				.withType("Ready")
				.withStatus(ready)
				.withLastTransitionTime(started)
				.endCondition()
				.endStatus();
		}
		return builder.build();
	}

	/** Pod name -> usage in millicores, sampled a minute ago over 15 s. */
	static Map<String, PodMetric> usage(Object... nameThenMilli) {
		Map<String, PodMetric> result = new HashMap<>();
		for (int i = 0; i < nameThenMilli.length; i += 2) {
			result.put((String) nameThenMilli[i], new PodMetric(((Number) nameThenMilli[i + 1]).longValue(),
					NOW.minusSeconds(60), Duration.ofSeconds(15)));
		}
		return result;
	}

	static List<Pod> pods(int count, String cpuRequest) {
		return java.util.stream.IntStream.range(0, count).mapToObj((i) -> pod("p" + i, cpuRequest)).toList();
	}

}
