package io.stevedore.gateway.admission.storageclass;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.stevedore.gateway.admission.AdmissionRequests;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** DefaultStorageClass: which class a classless claim gets. */
class DefaultStorageClassTest {

	private final List<StorageClass> classes = new ArrayList<>(List
		.of(storageClass("slow", "2026-01-01T00:00:00Z", false), storageClass("fast", "2026-01-02T00:00:00Z", true)));

	private final DefaultStorageClass plugin = new DefaultStorageClass(() -> this.classes);

	@Test
	void aClaimWithoutAClassGetsTheDefaultOne() {
		PersistentVolumeClaim claim = claim(null);
		this.plugin.admit(AdmissionRequests.create("/persistentvolumeclaims", claim));
		assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
	}

	@Test
	void aNamedClassAndTheEmptyClassAreKept() {
		PersistentVolumeClaim named = claim("slow");
		PersistentVolumeClaim none = claim("");
		this.plugin.admit(AdmissionRequests.create("/persistentvolumeclaims", named));
		this.plugin.admit(AdmissionRequests.create("/persistentvolumeclaims", none));
		assertThat(named.getSpec().getStorageClassName()).isEqualTo("slow");
		assertThat(none.getSpec().getStorageClassName()).isEmpty();
	}

	@Test
	void ofSeveralDefaultsTheNewestWinsThenTheFirstByName() {
		this.classes.add(storageClass("newer", "2026-02-01T00:00:00Z", true));
		this.classes.add(storageClass("another", "2026-02-01T00:00:00Z", true));
		PersistentVolumeClaim claim = claim(null);
		this.plugin.admit(AdmissionRequests.create("/persistentvolumeclaims", claim));
		assertThat(claim.getSpec().getStorageClassName()).isEqualTo("another");
	}

	@Test
	void withoutADefaultTheClaimStaysClassless() {
		this.classes.remove(1);
		PersistentVolumeClaim claim = claim(null);
		this.plugin.admit(AdmissionRequests.create("/persistentvolumeclaims", claim));
		assertThat(claim.getSpec().getStorageClassName()).isNull();
	}

	@Test
	void updatesAreLeftAlone() {
		PersistentVolumeClaim claim = claim(null);
		this.plugin.admit(AdmissionRequests.update("/persistentvolumeclaims", claim, claim(null)));
		assertThat(claim.getSpec().getStorageClassName()).isNull();
	}

	private static StorageClass storageClass(String name, String created, boolean isDefault) {
		return new StorageClassBuilder().withNewMetadata()
			.withName(name)
			.withCreationTimestamp(created)
			.withAnnotations(isDefault ? Map.of(DefaultStorageClass.IS_DEFAULT, "true") : Map.of())
			.endMetadata()
			.withProvisioner("example.com/local")
			.build();
	}

	private static PersistentVolumeClaim claim(String className) {
		return new PersistentVolumeClaimBuilder().withNewMetadata()
			.withName("data")
			.withNamespace("team")
			.endMetadata()
			.withNewSpec()
			.withStorageClassName(className)
			.endSpec()
			.build();
	}

}
