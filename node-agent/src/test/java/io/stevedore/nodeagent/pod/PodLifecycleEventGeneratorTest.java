package io.stevedore.nodeagent.pod;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.stevedore.client.clock.FakeClock;
import io.stevedore.nodeagent.node.RuntimeHealth;
import io.stevedore.nodeagent.runtime.ContainerSpec;
import io.stevedore.nodeagent.runtime.FakeContainerRuntime;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PodLifecycleEventGeneratorTest {

	private final FakeClock clock = new FakeClock();

	private final List<String> enqueued = new ArrayList<>();

	private final RuntimeHealth health = new RuntimeHealth();

	@Test
	void theFirstRelistReportsEveryPodOfThisNodeAndLaterOnesOnlyChanges() {
		FakeContainerRuntime runtime = new FakeContainerRuntime(this.clock);
		String web = create(runtime, "ns", "web", "node-a");
		create(runtime, "ns", "db", "node-a");
		create(runtime, "ns", "elsewhere", "node-b");
		PodLifecycleEventGenerator pleg = new PodLifecycleEventGenerator(runtime, "node-a", this.enqueued::add,
				this.health);
		pleg.relist();
		assertThat(this.enqueued).containsExactlyInAnyOrder("ns/web", "ns/db");
		this.enqueued.clear();
		pleg.relist();
		assertThat(this.enqueued).isEmpty();
		runtime.startContainer(web);
		pleg.relist();
		assertThat(this.enqueued).containsExactly("ns/web");
		this.enqueued.clear();
		runtime.removeContainer(web);
		pleg.relist();
		assertThat(this.enqueued).containsExactly("ns/web");
	}

	@Test
	void anEngineThatDoesNotAnswerMarksTheRuntimeUnhealthyUntilItAnswersAgain() {
		FakeContainerRuntime runtime = new FakeContainerRuntime(this.clock);
		runtime.down = true;
		PodLifecycleEventGenerator pleg = new PodLifecycleEventGenerator(runtime, "node-a", this.enqueued::add,
				this.health);
		pleg.relist();
		assertThat(this.health.error()).contains("not reachable");
		runtime.down = false;
		pleg.relist();
		assertThat(this.health.error()).isNull();
	}

	private static String create(FakeContainerRuntime runtime, String namespace, String pod, String node) {
		return runtime.createContainer(new ContainerSpec("k8s_main_" + pod, "app:1", List.of(), List.of(), "",
				List.of(), List.of(),
				Map.of(RuntimeLabels.POD_NAMESPACE, namespace, RuntimeLabels.POD_NAME, pod, RuntimeLabels.POD_UID,
						"uid-" + pod, RuntimeLabels.NODE, node, RuntimeLabels.CONTAINER_NAME, "main"),
				"sandbox", ContainerSpec.Resources.none(), false, false));
	}

}
