package io.stevedore.scheduler.core;

import java.util.LinkedHashMap;
import java.util.Map;

import io.stevedore.scheduler.framework.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FitErrorTest {

	@Test
	void countsEachReasonOverTheNodesSortedAsKubernetesWordsIt() {
		Map<String, Status> rejections = new LinkedHashMap<>();
		rejections.put("n1", Status.unschedulable("Insufficient cpu"));
		rejections.put("n2", Status.unschedulable("Insufficient cpu"));
		rejections.put("n3", Status.unschedulable("Insufficient cpu"));
		rejections.put("n4", Status.unresolvable("node(s) had untolerated taint {dedicated: gpu}"));
		rejections.put("n5", Status.unresolvable("node(s) had untolerated taint {dedicated: gpu}"));

		assertThat(new FitError(5, rejections, null).message()).isEqualTo(
				"0/5 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient cpu.");
	}

	@Test
	void aNodeShortOfSeveralResourcesCountsInEachReason() {
		Map<String, Status> rejections = Map.of("n1", Status.unschedulable("Insufficient cpu", "Insufficient memory"));

		assertThat(new FitError(1, rejections, null).message())
			.isEqualTo("0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.");
	}

	@Test
	void aPreFilterRejectionCountsForEveryNode() {
		assertThat(new FitError(3, Map.of(), "spec.x: bad").message())
			.isEqualTo("0/3 nodes are available: 3 spec.x: bad.");
	}

	@Test
	void anEmptyClusterSaysNoNodesAreAvailable() {
		assertThat(new FitError(0, Map.of(), null).message()).isEqualTo("no nodes available to schedule pods");
	}

}
