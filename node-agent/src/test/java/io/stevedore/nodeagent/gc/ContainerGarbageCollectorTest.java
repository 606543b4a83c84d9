package io.stevedore.nodeagent.gc;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.stevedore.client.clock.FakeClock;
import io.stevedore.nodeagent.runtime.ContainerSpec;
import io.stevedore.nodeagent.runtime.FakeContainerRuntime;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The kubelet's dead container limits on a fake engine. */
class ContainerGarbageCollectorTest {

	private final FakeClock clock = new FakeClock();

	private final FakeContainerRuntime runtime = new FakeContainerRuntime(this.clock);

	@Test
	void oneOldInstancePerContainerStaysByDefaultAndTheCurrentOneAlways() {
		List<String> web = instances("uid-a", "web", 4, false);
		List<String> side = instances("uid-a", "side", 2, false);

		List<String> removed = collector(ContainerGcPolicy.defaults()).collect();

		// Newest first: web's 3 (current) and 2 stay, 1 and 0 go; side keeps both.
		assertThat(removed).containsExactlyInAnyOrder(web.get(0), web.get(1));
		assertThat(this.runtime.containers()).extracting(c -> c.id()).containsAll(side);
	}

	@Test
	void aRunningCurrentInstanceStaysAndOldOnesAreCappedOnTheNodeOldestFirst() {
		List<String> a = instances("uid-a", "web", 3, true);
		List<String> b = instances("uid-b", "web", 3, false);

		List<String> removed = collector(new ContainerGcPolicy(-1, 2, Duration.ZERO, Duration.ofMinutes(1))).collect();

		// Old ones: a0 a1 (a2 runs), b0 b1 (b2 current): an even share of one each
		// stays, the newest, as the kubelet shares it.
		assertThat(removed).containsExactlyInAnyOrder(a.get(0), b.get(0));
		assertThat(this.runtime.containers()).extracting(c -> c.id()).contains(a.get(2), b.get(2), a.get(1), b.get(1));
	}

	@Test
	void nothingYoungerThanTheMinimumAgeGoesAndOtherNodesAreNotTouched() {
		List<String> web = instances("uid-a", "web", 3, false);
		ContainerGarbageCollector gc = collector(
				new ContainerGcPolicy(0, -1, Duration.ofMinutes(5), Duration.ofMinutes(1)));
		assertThat(gc.collect()).isEmpty();

		this.clock.advance(Duration.ofMinutes(6));
		assertThat(gc.collect()).containsExactlyInAnyOrder(web.get(0), web.get(1));
		assertThat(new ContainerGarbageCollector(this.runtime, "other-node", ContainerGcPolicy.defaults(), this.clock)
			.collect()).isEmpty();
	}

	private ContainerGarbageCollector collector(ContainerGcPolicy policy) {
		return new ContainerGarbageCollector(this.runtime, "n1", policy, this.clock);
	}

	/**
	 * Instances 0..count-1 of one container, a second apart; the last one runs if asked.
	 */
	private List<String> instances(String uid, String name, int count, boolean lastRunning) {
		List<String> ids = new java.util.ArrayList<>();
		for (int i = 0; i < count; i++) {
			Map<String, String> labels = Map.of(RuntimeLabels.POD_UID, uid, RuntimeLabels.CONTAINER_NAME, name,
					RuntimeLabels.RESTART_COUNT, Integer.toString(i), RuntimeLabels.NODE, "n1", RuntimeLabels.TYPE,
					RuntimeLabels.TYPE_CONTAINER);
			String id = this.runtime.createContainer(
					new ContainerSpec("k8s_" + name + "_" + uid + "_" + i, "busybox:1", List.of(), List.of(), null,
							List.of(), List.of(), labels, "sandbox", ContainerSpec.Resources.none(), false, false));
			this.runtime.startContainer(id);
			if (i < count - 1 || !lastRunning) {
				this.runtime.exit(id, 1);
			}
			ids.add(id);
			this.clock.advance(Duration.ofSeconds(1));
		}
		return ids;
	}

	@Test
	void aRunTheEngineFailsIsContainerGcFailedOnTheNode() {
		List<String> events = new java.util.ArrayList<>();
		ContainerGarbageCollector gc = new ContainerGarbageCollector(this.runtime, "n1", ContainerGcPolicy.defaults(),
				this.clock, (type, reason, message) -> events.add(type + " " + reason + " " + message));
		gc.run();
		assertThat(events).isEmpty();
		this.runtime.down = true;
		gc.run();
		assertThat(events).containsExactly("Warning ContainerGCFailed list containers: Docker engine not reachable");
	}

}
