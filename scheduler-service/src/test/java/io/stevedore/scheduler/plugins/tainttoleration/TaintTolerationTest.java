package io.stevedore.scheduler.plugins.tainttoleration;

import java.util.List;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.stevedore.scheduler.framework.Code;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.stevedore.scheduler.testing.TestObjects.node;
import static io.stevedore.scheduler.testing.TestObjects.pod;
import static io.stevedore.scheduler.testing.TestObjects.taint;
import static io.stevedore.scheduler.testing.TestObjects.toleration;
import static org.assertj.core.api.Assertions.assertThat;

class TaintTolerationTest {

	private final TaintToleration plugin = new TaintToleration();

	static Stream<Arguments> filterCases() {
		return Stream.of(
				Arguments.of("a node without taints accepts a pod without tolerations", List.of(), List.of(), null),
				Arguments.of("a NoSchedule taint rejects a pod that does not tolerate it",
						List.of(taint("dedicated", "gpu", "NoSchedule")), List.of(),
						"node(s) had untolerated taint {dedicated: gpu}"),
				Arguments.of("a NoExecute taint rejects a pod that does not tolerate it",
						List.of(taint("node.kubernetes.io/not-ready", "", "NoExecute")), List.of(),
						"node(s) had untolerated taint {node.kubernetes.io/not-ready: }"),
				Arguments.of("an Equal toleration with the same key, value and effect tolerates the taint",
						List.of(taint("dedicated", "gpu", "NoSchedule")),
						List.of(toleration("dedicated", "Equal", "gpu", "NoSchedule")), null),
				Arguments.of("an Equal toleration with another value does not tolerate the taint",
						List.of(taint("dedicated", "gpu", "NoSchedule")),
						List.of(toleration("dedicated", "Equal", "cpu", "NoSchedule")),
						"node(s) had untolerated taint {dedicated: gpu}"),
				Arguments.of("an Exists toleration tolerates any value of its key",
						List.of(taint("dedicated", "gpu", "NoSchedule")),
						List.of(toleration("dedicated", "Exists", "", "")), null),
				Arguments.of("an Exists toleration without a key tolerates every taint",
						List.of(taint("a", "1", "NoSchedule"), taint("b", "2", "NoExecute")),
						List.of(toleration("", "Exists", "", "")), null),
				Arguments.of("a toleration for another effect does not tolerate the taint",
						List.of(taint("dedicated", "gpu", "NoSchedule")),
						List.of(toleration("dedicated", "Exists", "", "NoExecute")),
						"node(s) had untolerated taint {dedicated: gpu}"),
				Arguments.of("a PreferNoSchedule taint never rejects a pod",
						List.of(taint("dedicated", "gpu", "PreferNoSchedule")), List.of(), null));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("filterCases")
	void filter(String name, List<Taint> taints, List<Toleration> tolerations, String reason) {
		Node node = new NodeBuilder(node("n1").build()).editSpec().withTaints(taints).endSpec().build();
		Pod pod = pod("p").editSpec().withTolerations(tolerations).endSpec().build();

		Status status = this.plugin.filter(new CycleState(), PodInfo.of(pod), NodeInfo.of(node));

		if (reason == null) {
			assertThat(status.isSuccess()).isTrue();
		}
		else {
			assertThat(status.code()).isEqualTo(Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
			assertThat(status.reasons()).containsExactly(reason);
		}
	}

	static Stream<Arguments> scoreCases() {
		return Stream.of(
				Arguments.of("the node with fewer intolerable PreferNoSchedule taints scores higher", List.of(), 100L,
						0L),
				Arguments.of("a tolerated PreferNoSchedule taint costs nothing",
						List.of(toleration("", "Exists", "", "PreferNoSchedule")), 100L, 100L));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("scoreCases")
	void score(String name, List<Toleration> tolerations, long cleanScore, long taintedScore) {
		Node clean = node("clean").build();
		Node tainted = new NodeBuilder(node("tainted").build()).editSpec()
			.withTaints(taint("a", "1", "PreferNoSchedule"), taint("b", "2", "PreferNoSchedule"))
			.endSpec()
			.build();
		PodInfo pod = PodInfo.of(pod("p").editSpec().withTolerations(tolerations).endSpec().build());
		List<NodeInfo> nodes = List.of(NodeInfo.of(clean), NodeInfo.of(tainted));
		long[] scores = { this.plugin.score(new CycleState(), pod, nodes.get(0)),
				this.plugin.score(new CycleState(), pod, nodes.get(1)) };

		this.plugin.normalizeScore(new CycleState(), pod, nodes, scores);

		assertThat(scores).containsExactly(cleanScore, taintedScore);
	}

}
