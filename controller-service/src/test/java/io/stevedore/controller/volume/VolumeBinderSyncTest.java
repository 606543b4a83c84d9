package io.stevedore.controller.volume;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.stevedore.controller.workload.CacheLister;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The binder's decisions against in-memory caches, recording its writes. */
class VolumeBinderSyncTest {

	private final Map<String, PersistentVolumeClaim> claims = new LinkedHashMap<>();

	private final Map<String, PersistentVolume> volumes = new LinkedHashMap<>();

	private final Map<String, StorageClass> classes = new LinkedHashMap<>(
			Map.of("standard", LocalPathProvisioner.defaultClass()));

	private final Recorder control = new Recorder();

	private final CacheLister<PersistentVolumeClaim> claimLister = new CacheLister<>() {
		@Override
		public PersistentVolumeClaim get(String namespace, String name) {
			return claims.get(namespace + "/" + name);
		}

		@Override
		public List<PersistentVolumeClaim> list(String namespace) {
			return claims.values().stream().filter(c -> c.getMetadata().getNamespace().equals(namespace)).toList();
		}
	};

	private final ClaimSync claimSync = new ClaimSync(claimLister, volumes::get, () -> List.copyOf(volumes.values()),
			classes::get, new LocalPathProvisioner("/srv/volumes/"), control);

	private final VolumeSync volumeSync = new VolumeSync(volumes::get, claimLister, control);

	@Test
	void waitForFirstConsumerClaimStaysPendingUntilANodeIsSelected() {
		PersistentVolumeClaim claim = claim("data", "standard", "1Gi", null);
		// A static volume of the class exists, but no node is chosen yet.
		volume("static", "standard", "5Gi", null, "Retain");

		this.claimSync.reconcile("ns/data");

		assertThat(this.control.createdVolumes).isEmpty();
		assertThat(this.control.updatedVolumes).isEmpty();
		assertThat(this.control.updatedClaims).isEmpty();
		assertThat(this.control.claimStatuses).singleElement()
			.satisfies(c -> assertThat(c.getStatus().getPhase()).isEqualTo("Pending"));
		assertThat(claim.getStatus()).as("the cached claim is not changed in place").isNull();
	}

	@Test
	void selectedNodeProvisionsAHostPathVolumeOnThatNodePreBoundToTheClaim() {
		claim("data", "standard", "2Gi", "storage-node-2");

		this.claimSync.reconcile("ns/data");

		PersistentVolume created = this.control.createdVolumes.get(0);
		assertThat(created.getMetadata().getName()).isEqualTo("pvc-uid-data");
		assertThat(created.getSpec().getHostPath().getPath())
			.isEqualTo("/srv/volumes/storage-node-2/pvc-uid-data_ns_data");
		assertThat(created.getSpec().getHostPath().getType()).isEqualTo("DirectoryOrCreate");
		assertThat(created.getSpec().getCapacity().get("storage")).isEqualTo(new Quantity("2Gi"));
		assertThat(created.getSpec().getPersistentVolumeReclaimPolicy()).isEqualTo("Delete");
		assertThat(created.getSpec().getStorageClassName()).isEqualTo("standard");
		assertThat(created.getSpec().getClaimRef().getUid()).isEqualTo("uid-data");
		assertThat(Volumes.requiredNode(created)).isEqualTo("storage-node-2");
		assertThat(created.getMetadata().getAnnotations()).containsEntry(LocalPathProvisioner.PROVISIONED_BY,
				LocalPathProvisioner.NAME);
	}

	@Test
	void aProvisionedVolumeIsBoundInThreeStepsAndTheClaimShowsItsCapacity() {
		PersistentVolumeClaim claim = claim("data", "standard", "2Gi", "n1");
		this.claimSync.reconcile("ns/data");
		PersistentVolume created = this.control.createdVolumes.get(0);
		this.volumes.put(created.getMetadata().getName(), created);

		// The volume's claimRef names the claim: the claim gets volumeName.
		this.claimSync.reconcile("ns/data");
		assertThat(this.control.updatedVolumes).isEmpty();
		PersistentVolumeClaim named = this.control.updatedClaims.get(0);
		assertThat(named.getSpec().getVolumeName()).isEqualTo("pvc-uid-data");
		assertThat(named.getMetadata().getAnnotations()).containsEntry(Volumes.BIND_COMPLETED, "yes");
		this.claims.put("ns/data", named);

		this.claimSync.reconcile("ns/data");
		PersistentVolumeClaim bound = last(this.control.claimStatuses);
		assertThat(bound.getStatus().getPhase()).isEqualTo("Bound");
		assertThat(bound.getStatus().getCapacity().get("storage")).isEqualTo(new Quantity("2Gi"));
		assertThat(bound.getStatus().getAccessModes()).containsExactly("ReadWriteOnce");

		this.volumeSync.reconcile("pvc-uid-data");
		assertThat(last(this.control.volumeStatuses).getStatus().getPhase()).isEqualTo("Bound");
		assertThat(claim.getSpec().getVolumeName()).isNull();
	}

	@Test
	void aClaimWithoutClassGetsTheSmallestStaticVolumeThatFits() {
		claim("data", "", "3Gi", null);
		volume("small", "", "1Gi", null, "Retain");
		volume("large", "", "10Gi", null, "Retain");
		volume("fits", "", "4Gi", null, "Retain");
		volume("other-class", "fast", "4Gi", null, "Retain");

		this.claimSync.reconcile("ns/data");

		PersistentVolume bound = this.control.updatedVolumes.get(0);
		assertThat(bound.getMetadata().getName()).isEqualTo("fits");
		assertThat(bound.getSpec().getClaimRef().getName()).isEqualTo("data");
		assertThat(bound.getSpec().getClaimRef().getUid()).isEqualTo("uid-data");
		assertThat(this.control.updatedClaims.get(0).getSpec().getVolumeName()).isEqualTo("fits");
	}

	@Test
	void noFittingVolumeLeavesTheClaimPendingWithAnEvent() {
		claim("data", "", "30Gi", null);
		volume("small", "", "1Gi", null, "Retain");

		this.claimSync.reconcile("ns/data");

		assertThat(this.control.updatedVolumes).isEmpty();
		assertThat(this.control.updatedClaims).isEmpty();
		assertThat(last(this.control.claimStatuses).getStatus().getPhase()).isEqualTo("Pending");
		assertThat(this.control.events).containsExactly("FailedBinding");
	}

	@Test
	void aVolumeBoundToAnotherClaimIsNotTaken() {
		claim("data", "", "1Gi", null);
		PersistentVolume taken = volume("taken", "", "1Gi", null, "Retain");
		taken.getSpec()
			.setClaimRef(new ObjectReferenceBuilder().withNamespace("ns").withName("other").withUid("u2").build());

		this.claimSync.reconcile("ns/data");

		assertThat(this.control.updatedVolumes).isEmpty();
		assertThat(this.control.updatedClaims).isEmpty();
	}

	@Test
	void aVolumeWhoseClaimIsGoneIsReleasedThenDeletedOrRetained() {
		PersistentVolume deleted = volume("gone-delete", "standard", "1Gi", null, "Delete");
		deleted.getSpec()
			.setClaimRef(new ObjectReferenceBuilder().withNamespace("ns").withName("data").withUid("old").build());
		PersistentVolume retained = volume("gone-retain", "", "1Gi", null, "Retain");
		retained.getSpec()
			.setClaimRef(new ObjectReferenceBuilder().withNamespace("ns").withName("data").withUid("old").build());
		// A new claim of the same name is another claim (another uid).
		claim("data", "", "1Gi", null);

		this.volumeSync.reconcile("gone-delete");
		this.volumeSync.reconcile("gone-retain");

		assertThat(this.control.volumeStatuses)
			.extracting(v -> v.getMetadata().getName() + "=" + v.getStatus().getPhase())
			.containsExactly("gone-delete=Released", "gone-retain=Released");
		assertThat(this.control.deletedVolumes).containsExactly("gone-delete");
	}

	@Test
	void aVolumeWithoutClaimRefIsAvailable() {
		volume("free", "", "1Gi", null, "Retain");

		this.volumeSync.reconcile("free");
		this.volumeSync.reconcile("absent");

		assertThat(this.control.volumeStatuses).singleElement()
			.satisfies(v -> assertThat(v.getStatus().getPhase()).isEqualTo("Available"));
		assertThat(this.control.deletedVolumes).isEmpty();
	}

	@Test
	void aLocalVolumeOnAnotherNodeDoesNotMatchAClaimWaitingOnThisNode() {
		claim("data", "manual", "1Gi", "n1");
		this.classes.put("manual",
				new io.fabric8.kubernetes.api.model.storage.StorageClassBuilder().withNewMetadata()
					.withName("manual")
					.endMetadata()
					.withProvisioner("kubernetes.io/no-provisioner")
					.withVolumeBindingMode("WaitForFirstConsumer")
					.build());
		PersistentVolume elsewhere = volume("elsewhere", "manual", "1Gi", null, "Retain");
		elsewhere.getSpec()
			.setNodeAffinity(new LocalPathProvisioner("/x")
				.volumeFor(this.claims.get("ns/data"), LocalPathProvisioner.defaultClass(), "n2")
				.getSpec()
				.getNodeAffinity());
		volume("here", "manual", "1Gi", null, "Retain").getSpec()
			.setNodeAffinity(new LocalPathProvisioner("/x")
				.volumeFor(this.claims.get("ns/data"), LocalPathProvisioner.defaultClass(), "n1")
				.getSpec()
				.getNodeAffinity());

		this.claimSync.reconcile("ns/data");

		assertThat(this.control.createdVolumes).isEmpty();
		assertThat(this.control.updatedVolumes).singleElement()
			.satisfies(v -> assertThat(v.getMetadata().getName()).isEqualTo("here"));
	}

	private PersistentVolumeClaim claim(String name, String className, String size, String node) {
		PersistentVolumeClaim claim = new PersistentVolumeClaimBuilder().withNewMetadata()
			.withNamespace("ns")
			.withName(name)
			.withUid("uid-" + name)
			.withResourceVersion("1")
			.endMetadata()
			.withNewSpec()
			.withStorageClassName(className)
			.withAccessModes("ReadWriteOnce")
			.withNewResources()
			.addToRequests("storage", new Quantity(size))
			.endResources()
			.endSpec()
			.build();
		if (node != null) {
			claim.getMetadata().setAnnotations(new LinkedHashMap<>(Map.of(Volumes.SELECTED_NODE, node)));
		}
		this.claims.put("ns/" + name, claim);
		return claim;
	}

	private PersistentVolume volume(String name, String className, String size, String phase, String reclaim) {
		PersistentVolume volume = new PersistentVolumeBuilder().withNewMetadata()
			.withName(name)
			.withResourceVersion("1")
			.endMetadata()
			.withNewSpec()
			.withStorageClassName(className)
			.withAccessModes("ReadWriteOnce")
			.withCapacity(Map.of("storage", new Quantity(size)))
			.withPersistentVolumeReclaimPolicy(reclaim)
			.withNewHostPath("/data/" + name, "")
			.endSpec()
			.withNewStatus()
			.withPhase(phase)
			.endStatus()
			.build();
		this.volumes.put(name, volume);
		return volume;
	}

	private static <T> T last(List<T> list) {
		return list.get(list.size() - 1);
	}

	static final class Recorder implements VolumeBinderControl {

		final List<PersistentVolume> createdVolumes = new ArrayList<>();

		final List<PersistentVolume> updatedVolumes = new ArrayList<>();

		final List<PersistentVolume> volumeStatuses = new ArrayList<>();

		final List<String> deletedVolumes = new ArrayList<>();

		final List<PersistentVolumeClaim> updatedClaims = new ArrayList<>();

		final List<PersistentVolumeClaim> claimStatuses = new ArrayList<>();

		final List<String> events = new ArrayList<>();

		@Override
		public void createVolume(PersistentVolume volume) {
			this.createdVolumes.add(volume);
		}

		@Override
		public void updateVolume(PersistentVolume volume) {
			this.updatedVolumes.add(volume);
		}

		@Override
		public void updateVolumeStatus(PersistentVolume volume) {
			this.volumeStatuses.add(volume);
		}

		@Override
		public void deleteVolume(PersistentVolume volume) {
			this.deletedVolumes.add(volume.getMetadata().getName());
		}

		@Override
		public void updateClaim(PersistentVolumeClaim claim) {
			this.updatedClaims.add(claim);
		}

		@Override
		public void updateClaimStatus(PersistentVolumeClaim claim) {
			this.claimStatuses.add(claim);
		}

		@Override
		public void event(PersistentVolumeClaim claim, String type, String reason, String message) {
			this.events.add(reason);
		}

	}

}
