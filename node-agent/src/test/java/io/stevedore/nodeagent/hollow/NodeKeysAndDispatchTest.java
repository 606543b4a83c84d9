package io.stevedore.nodeagent.hollow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.nodeagent.pod.OwnStatusEchoes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a hollow host's one queue and one pod informer reach the right node. */
class NodeKeysAndDispatchTest {

	@Test
	void aKeyCarriesTheNodeAndThePodsOwnKey() {
		String key = NodeKeys.of("hollow-12", "team-a/web-0");

		assertThat(key).isEqualTo("hollow-12/team-a/web-0");
		assertThat(NodeKeys.node(key)).isEqualTo("hollow-12");
		assertThat(NodeKeys.podKey(key)).isEqualTo("team-a/web-0");
		// dots and dashes are node-name characters, not separators
		assertThat(NodeKeys.node(NodeKeys.of("rack-1.zone-b.hollow-3", "ns/p"))).isEqualTo("rack-1.zone-b.hollow-3");
	}

	@Test
	void aKeyWithoutANodeIsRefused() {
		assertThatThrownBy(() -> NodeKeys.node("/ns/p")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("/ns/p");
		assertThatThrownBy(() -> NodeKeys.node("no-slash")).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void theDispatchHandsThePodKeyToItsNodeAndDropsKeysOfNodesNotHosted() throws Exception {
		List<String> a = new ArrayList<>();
		List<String> b = new ArrayList<>();
		Map<String, Reconciler> nodes = Map.of("h-0", key -> {
			a.add(key);
			return Result.done();
		}, "h-1", key -> {
			b.add(key);
			return Result.requeueAfter(java.time.Duration.ofSeconds(60));
		});
		NodeDispatch dispatch = new NodeDispatch(nodes::get);

		Result first = dispatch.reconcile("h-0/default/web");
		Result second = dispatch.reconcile("h-1/kube-system/dns");
		Result foreign = dispatch.reconcile("elsewhere/default/web");

		assertThat(a).containsExactly("default/web");
		assertThat(b).containsExactly("kube-system/dns");
		assertThat(first.requeue()).isFalse();
		assertThat(second.requeue()).isTrue();
		assertThat(foreign.requeue()).isFalse();
	}

	@Test
	void theRouterHandsEachPodEventToTheNodeItIsBoundToWithTheNodeInTheQueuedKey() {
		List<String> queued = new ArrayList<>();
		Map<String, ResourceEventHandler<Pod>> nodes = Map.of("h-0",
				new OwnStatusEchoes(key -> queued.add(NodeKeys.of("h-0", key))), "h-1",
				new OwnStatusEchoes(key -> queued.add(NodeKeys.of("h-1", key))));
		PodRouter router = new PodRouter(nodes::get);
		Pod onA = pod("web-0", "h-0");
		Pod onB = pod("web-1", "h-1");

		router.onAdd(onA);
		router.onAdd(onB);
		router.onAdd(pod("web-2", "real-node"));
		router.onUpdate(onB, new PodBuilder(onB).editMetadata().addToLabels("x", "y").endMetadata().build());
		router.onDelete(onA, false);

		assertThat(queued).containsExactly("h-0/default/web-0", "h-1/default/web-1", "h-1/default/web-1",
				"h-0/default/web-0");
	}

	@Test
	void anUnboundPodReachesNoNode() {
		List<String> asked = new ArrayList<>();
		PodRouter router = new PodRouter(node -> {
			asked.add(node);
			return null;
		});

		router.onAdd(pod("pending", null));
		router.onAdd(pod("pending-empty", ""));

		assertThat(asked).isEmpty();
	}

	private static Pod pod(String name, String node) {
		return new PodBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("default")
			.withUid(name + "-uid")
			.endMetadata()
			.withNewSpec()
			.withNodeName(node)
			.endSpec()
			.build();
	}

}
