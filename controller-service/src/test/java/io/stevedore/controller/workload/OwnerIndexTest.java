package io.stevedore.controller.workload;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The owner index on fabric8's own informer cache (the one a started informer keeps), so
 * what a sync claims from comes from the real index, updated as pods change.
 */
class OwnerIndexTest {

	final CacheImpl<Pod> cache = new CacheImpl<>();

	final ReplicaSet web = replicaSet("shop", "web", "uid-web");

	final ReplicaSet api = replicaSet("shop", "api", "uid-api");

	OwnerIndexTest() {
		this.cache.addIndexers(Map.of(OwnerIndex.NAME, OwnerIndex.keys()));
	}

	@Test
	void theCandidatesAreTheOwnersPodsAndTheOrphansOfItsNamespaceOnly() {
		this.cache.put(pod("shop", "web-1", this.web));
		this.cache.put(pod("shop", "api-1", this.api));
		this.cache.put(pod("shop", "loose", null));
		this.cache.put(pod("other", "loose-elsewhere", null));

		assertThat(names(OwnerIndex.claimCandidates(this.cache, this.web))).containsExactlyInAnyOrder("web-1", "loose");
		assertThat(names(OwnerIndex.claimCandidates(this.cache, this.api))).containsExactlyInAnyOrder("api-1", "loose");
		assertThat(OwnerIndex.<Pod>keys().apply(pod("shop", "web-1", this.web))).containsExactly("uid-web");
	}

	@Test
	void anAdoptedOrphanIsNoLongerACandidateOfAnotherOwnerAndAReleasedPodIsAgain() {
		this.cache.put(pod("shop", "loose", null));

		this.cache.put(pod("shop", "loose", this.web));

		assertThat(names(OwnerIndex.claimCandidates(this.cache, this.api))).isEmpty();
		assertThat(names(OwnerIndex.claimCandidates(this.cache, this.web))).containsExactly("loose");

		this.cache.put(pod("shop", "loose", null));

		assertThat(names(OwnerIndex.claimCandidates(this.cache, this.api))).containsExactly("loose");
	}

	@Test
	void aPodWithOnlyNonControllerOwnersIsAnOrphan() {
		Pod pod = pod("shop", "shared", null);
		pod.getMetadata().setOwnerReferences(List.of(ControllerRefs.of(this.api)));
		pod.getMetadata().getOwnerReferences().get(0).setController(false);
		this.cache.put(pod);

		assertThat(names(OwnerIndex.claimCandidates(this.cache, this.web))).containsExactly("shared");
	}

	private static List<String> names(List<? extends HasMetadata> objects) {
		return objects.stream().map(o -> o.getMetadata().getName()).toList();
	}

	private static ReplicaSet replicaSet(String namespace, String name, String uid) {
		return new ReplicaSetBuilder().withNewMetadata()
			.withNamespace(namespace)
			.withName(name)
			.withUid(uid)
			.endMetadata()
			.build();
	}

	private static Pod pod(String namespace, String name, ReplicaSet controller) {
		Pod pod = new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata().build();
		if (controller != null) {
			pod.getMetadata().setOwnerReferences(List.of(ControllerRefs.of(controller)));
		}
		return pod;
	}

}
