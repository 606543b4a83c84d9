package io.stevedore.scheduler.plugins.volumebinding;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.Status;
import io.stevedore.scheduler.testing.TestObjects;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** VolumeBinding's decisions against in-memory claims, volumes and classes. */
class VolumeBindingTest {

	private final Map<String, PersistentVolumeClaim> claims = new HashMap<>();

	private final Map<String, PersistentVolume> volumes = new HashMap<>();

	private final Map<String, StorageClass> classes = new HashMap<>();

	private final List<String> selected = new ArrayList<>();

	/** What a GET returns where the cache ({@link #claims}) lags. */
	private final Map<String, PersistentVolumeClaim> latest = new HashMap<>();

	private final VolumeBinding plugin = new VolumeBinding(new VolumeLookup() {
		@Override
		public PersistentVolumeClaim claim(String namespace, String name) {
			return claims.get(namespace + "/" + name);
		}

		@Override
		public PersistentVolumeClaim latestClaim(String namespace, String name) {
			return latest.getOrDefault(namespace + "/" + name, claim(namespace, name));
		}

		@Override
		public PersistentVolume volume(String name) {
			return volumes.get(name);
		}

		@Override
		public StorageClass storageClass(String name) {
			return classes.get(name);
		}

		@Override
		public void selectNode(PersistentVolumeClaim claim, String node) {
			selected.add(claim.getMetadata().getName() + "@" + node);
		}
	});

	@Test
	void aPodWithoutClaimsIsSkipped() {
		Pod pod = new PodBuilder().withNewMetadata()
			.withNamespace("ns")
			.withName("p")
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("c")
			.endContainer()
			.addNewVolume()
			.withName("scratch")
			.withNewEmptyDir()
			.endEmptyDir()
			.endVolume()
			.endSpec()
			.build();
		assertThat(this.plugin.preFilter(new CycleState(), PodInfo.of(pod), null).isSkip()).isTrue();
	}

	@Test
	void aBoundLocalVolumeKeepsThePodOnItsNode() {
		claim("data", "standard", "pv-1");
		volume("pv-1", "n2");
		CycleState state = new CycleState();
		PodInfo pod = PodInfo.of(pod("data"));

		assertThat(this.plugin.preFilter(state, pod, null).isSuccess()).isTrue();
		assertThat(this.plugin.filter(state, pod, node("n1")).reasons()).containsExactly(VolumeBinding.NODE_CONFLICT);
		assertThat(this.plugin.filter(state, pod, node("n2")).isSuccess()).isTrue();
		assertThat(this.plugin.reserve(state, pod, "n2").isSuccess()).isTrue();
		assertThat(this.selected).isEmpty();
	}

	@Test
	void aWaitForFirstConsumerClaimGetsTheChosenNodeAtReserve() {
		this.classes.put("standard",
				new StorageClassBuilder().withNewMetadata()
					.withName("standard")
					.endMetadata()
					.withVolumeBindingMode("WaitForFirstConsumer")
					.build());
		claim("data", "standard", null);
		CycleState state = new CycleState();
		PodInfo pod = PodInfo.of(pod("data"));

		assertThat(this.plugin.preFilter(state, pod, null).isSuccess()).isTrue();
		assertThat(this.plugin.filter(state, pod, node("n1")).isSuccess()).isTrue();
		assertThat(this.plugin.reserve(state, pod, "n1").isSuccess()).isTrue();
		assertThat(this.selected).containsExactly("data@n1");
	}

	@Test
	void aMissingOrUnboundImmediateClaimKeepsThePodPending() {
		Status missing = this.plugin.preFilter(new CycleState(), PodInfo.of(pod("absent")), null);
		assertThat(missing.isRejected()).isTrue();
		assertThat(missing.message()).contains("persistentvolumeclaim \"absent\" not found");

		this.classes.put("fast",
				new StorageClassBuilder().withNewMetadata()
					.withName("fast")
					.endMetadata()
					.withVolumeBindingMode("Immediate")
					.build());
		claim("data", "fast", null);
		Status unbound = this.plugin.preFilter(new CycleState(), PodInfo.of(pod("data")), null);
		assertThat(unbound.isRejected()).isTrue();
		assertThat(unbound.message()).contains("unbound immediate PersistentVolumeClaims");
		assertThat(this.selected).isEmpty();
	}

	@Test
	void aClaimTheCacheStillShowsUnboundIsReadAgainAndItsBindingCounts() {
		volume("pv-1", "n2");
		claim("data", "fast", "pv-1");
		this.latest.putAll(this.claims);
		claim("data", "fast", null);
		CycleState state = new CycleState();
		PodInfo pod = PodInfo.of(pod("data"));

		assertThat(this.plugin.preFilter(state, pod, null).isSuccess()).isTrue();
		assertThat(this.plugin.filter(state, pod, node("n1")).reasons()).containsExactly(VolumeBinding.NODE_CONFLICT);
		assertThat(this.plugin.filter(state, pod, node("n2")).isSuccess()).isTrue();
	}

	private void volume(String name, String node) {
		this.volumes.put(name,
				new PersistentVolumeBuilder().withNewMetadata()
					.withName(name)
					.endMetadata()
					.withNewSpec()
					.withNodeAffinity(TestObjects.hostnameAffinity(node))
					.endSpec()
					.build());
	}

	private void claim(String name, String className, String volumeName) {
		this.claims.put("ns/" + name,
				new PersistentVolumeClaimBuilder().withNewMetadata()
					.withNamespace("ns")
					.withName(name)
					.endMetadata()
					.withNewSpec()
					.withStorageClassName(className)
					.withVolumeName(volumeName)
					.endSpec()
					.build());
	}

	private static Pod pod(String claim) {
		return new PodBuilder().withNewMetadata()
			.withNamespace("ns")
			.withName("p")
			.withUid("u")
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("c")
			.withImage("i")
			.endContainer()
			.addNewVolume()
			.withName("v")
			.withNewPersistentVolumeClaim(claim, false)
			.endVolume()
			.endSpec()
			.build();
	}

	private static NodeInfo node(String name) {
		return NodeInfo.of(new NodeBuilder().withNewMetadata()
			.withName(name)
			.addToLabels("kubernetes.io/hostname", name)
			.endMetadata()
			.build());
	}

}
