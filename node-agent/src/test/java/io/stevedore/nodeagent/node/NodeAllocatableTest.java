package io.stevedore.nodeagent.node;

import java.util.LinkedHashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Quantity;
import io.stevedore.nodeagent.eviction.EvictionThreshold;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Allocatable as the kubelet derives it from capacity, reservations and thresholds. */
class NodeAllocatableTest {

	private final Map<String, Quantity> capacity = new LinkedHashMap<>(Map.of("cpu", new Quantity("2"), "memory",
			new Quantity("4194304Ki"), "pods", new Quantity("110"), "ephemeral-storage", new Quantity("1000000Ki")));

	@Test
	void reservationsAndHardThresholdsComeOffCapacity() {
		NodeAllocatable allocatable = new NodeAllocatable(
				NodeAllocatable.sum(NodeAllocatable.parseReserved("s", "cpu=100m,memory=256Mi"),
						NodeAllocatable.parseReserved("k", "cpu=150m,memory=256Mi")),
				EvictionThreshold.parse("e", "memory.available<100Mi,nodefs.available<10%,imagefs.available<15%"));

		Map<String, Quantity> left = allocatable.of(this.capacity);

		assertThat(left.get("cpu").toString()).isEqualTo("1750m");
		// 4 GiB - 512 MiB - 100 MiB
		assertThat(left.get("memory").toString()).isEqualTo((4194304 - 524288 - 102400) + "Ki");
		assertThat(left.get("ephemeral-storage").toString()).isEqualTo("900000Ki");
		assertThat(left.get("pods").toString()).isEqualTo("110");
	}

	@Test
	void nothingHeldBackIsCapacityAndNothingGoesBelowZero() {
		assertThat(NodeAllocatable.none().of(this.capacity)).isEqualTo(this.capacity);
		Map<String, Quantity> left = new NodeAllocatable(NodeAllocatable.parseReserved("s", "memory=8Gi"),
				java.util.List.of())
			.of(this.capacity);
		assertThat(left.get("memory").toString()).isEqualTo("0Ki");
	}

	@Test
	void badReservationsAreRefusedNamingTheSetting() {
		assertThatThrownBy(() -> NodeAllocatable.parseReserved("stevedore.node.kube-reserved", "gpu=1")).hasMessage(
				"stevedore.node.kube-reserved: \"gpu\" cannot be reserved, only cpu, memory and ephemeral-storage");
		assertThatThrownBy(() -> NodeAllocatable.parseReserved("stevedore.node.kube-reserved", "memory"))
			.hasMessage("stevedore.node.kube-reserved: \"memory\" is not of the form resource=quantity");
		assertThatThrownBy(() -> NodeAllocatable.parseReserved("stevedore.node.kube-reserved", "memory=lots"))
			.hasMessage("stevedore.node.kube-reserved: \"memory=lots\": \"lots\" is not a quantity");
	}

}
