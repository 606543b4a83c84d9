package io.stevedore.controller.volume;

import java.time.Duration;
import java.util.Map;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.stevedore.controller.support.ControlPlaneTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The binder and the local-path provisioner against the real apiserver. */
class VolumeBinderIT extends ControlPlaneTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Test
	void aClaimOfTheDefaultClassIsProvisionedOnTheSelectedNodeBoundAndDeletedWithIt() {
		String ns = createNamespace();
		await().atMost(TIMEOUT).untilAsserted(() -> {
			StorageClass standard = client.storage().v1().storageClasses().withName("standard").get();
			assertThat(standard).isNotNull();
			assertThat(standard.getProvisioner()).isEqualTo(LocalPathProvisioner.NAME);
			assertThat(standard.getVolumeBindingMode()).isEqualTo("WaitForFirstConsumer");
			assertThat(standard.getMetadata().getAnnotations())
				.containsEntry("storageclass.kubernetes.io/is-default-class", "true");
		});
		client.persistentVolumeClaims().inNamespace(ns).resource(claim("data", "standard")).create();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(phase(ns, "data")).isEqualTo("Pending"));
		assertThat(client.persistentVolumes().list().getItems()).noneMatch(v -> Volumes.refersTo(v, get(ns, "data")));

		client.persistentVolumeClaims()
			.inNamespace(ns)
			.withName("data")
			.edit(c -> new PersistentVolumeClaimBuilder(c).editMetadata()
				.addToAnnotations(Volumes.SELECTED_NODE, "it-node-1")
				.endMetadata()
				.build());

		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(phase(ns, "data")).isEqualTo("Bound"));
		PersistentVolumeClaim bound = get(ns, "data");
		String volumeName = bound.getSpec().getVolumeName();
		assertThat(volumeName).isEqualTo("pvc-" + bound.getMetadata().getUid());
		assertThat(bound.getStatus().getCapacity().get("storage")).isEqualTo(new Quantity("1Gi"));
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(volumePhase(volumeName)).isEqualTo("Bound");
			PersistentVolume volume = client.persistentVolumes().withName(volumeName).get();
			assertThat(volume.getSpec().getHostPath().getPath())
				.contains("/it-node-1/" + volumeName + "_" + ns + "_data");
			assertThat(Volumes.requiredNode(volume)).isEqualTo("it-node-1");
		});

		client.persistentVolumeClaims().inNamespace(ns).withName("data").delete();
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(client.persistentVolumes().withName(volumeName).get()).isNull());
	}

	@Test
	void aStaticRetainVolumeIsBoundToAClaimWithoutClassAndReleasedWhenTheClaimGoes() {
		String ns = createNamespace();
		String name = "static-" + ns;
		client.persistentVolumes()
			.resource(new PersistentVolumeBuilder().withNewMetadata()
				.withName(name)
				.endMetadata()
				.withNewSpec()
				.withCapacity(Map.of("storage", new Quantity("2Gi")))
				.withAccessModes("ReadWriteOnce")
				.withPersistentVolumeReclaimPolicy("Retain")
				.withStorageClassName("")
				.withNewHostPath("/tmp/storage/static", "")
				.endSpec()
				.build())
			.create();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(volumePhase(name)).isEqualTo("Available"));

		client.persistentVolumeClaims().inNamespace(ns).resource(claim("data", "")).create();

		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(phase(ns, "data")).isEqualTo("Bound"));
		assertThat(get(ns, "data").getSpec().getVolumeName()).isEqualTo(name);
		client.persistentVolumeClaims().inNamespace(ns).withName("data").delete();
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(volumePhase(name)).isEqualTo("Released");
			assertThat(client.persistentVolumes().withName(name).get().getSpec().getClaimRef().getName())
				.isEqualTo("data");
		});
		client.persistentVolumes().withName(name).delete();
	}

	private static PersistentVolumeClaim claim(String name, String className) {
		return new PersistentVolumeClaimBuilder().withNewMetadata()
			.withName(name)
			.endMetadata()
			.withNewSpec()
			.withStorageClassName(className)
			.withAccessModes("ReadWriteOnce")
			.withNewResources()
			.addToRequests("storage", new Quantity("1Gi"))
			.endResources()
			.endSpec()
			.build();
	}

	private static PersistentVolumeClaim get(String ns, String name) {
		return client.persistentVolumeClaims().inNamespace(ns).withName(name).get();
	}

	private static String volumePhase(String name) {
		PersistentVolume volume = client.persistentVolumes().withName(name).get();
		return volume == null || volume.getStatus() == null ? null : volume.getStatus().getPhase();
	}

	private static String phase(String ns, String name) {
		PersistentVolumeClaim claim = get(ns, name);
		return claim == null || claim.getStatus() == null ? null : claim.getStatus().getPhase();
	}

}
