package io.stevedore.gateway.admission.storageclass;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionPlugin;

/**
 * Kubernetes' DefaultStorageClass: a new PersistentVolumeClaim that names no class (no
 * {@code storageClassName}, no beta annotation) gets the default one, the StorageClass
 * annotated {@code storageclass.kubernetes.io/is-default-class: "true"}; of several, the
 * newest (then the first by name). Without a default the claim is left classless.
 */
public final class DefaultStorageClass implements AdmissionPlugin {

	public static final String NAME = "DefaultStorageClass";

	static final String IS_DEFAULT = "storageclass.kubernetes.io/is-default-class";

	static final String BETA_IS_DEFAULT = "storageclass.beta.kubernetes.io/is-default-class";

	static final String BETA_CLAIM_CLASS = "volume.beta.kubernetes.io/storage-class";

	private static final Comparator<StorageClass> NEWEST_FIRST = Comparator
		.comparing(DefaultStorageClass::created, Comparator.reverseOrder())
		.thenComparing((StorageClass sc) -> sc.getMetadata().getName());

	private final Supplier<List<StorageClass>> classes;

	/**
	 * @param classes every StorageClass
	 */
	public DefaultStorageClass(Supplier<List<StorageClass>> classes) {
		this.classes = classes;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Set<String> resources() {
		return Set.of("/persistentvolumeclaims");
	}

	@Override
	public void admit(AdmissionAttributes attributes) {
		if (!AdmissionAttributes.CREATE.equals(attributes.operation())
				|| !attributes.isMainResource("", "persistentvolumeclaims")
				|| !(attributes.object() instanceof PersistentVolumeClaim claim) || hasClass(claim)) {
			return;
		}
		defaultClass().ifPresent((name) -> claim.getSpec().setStorageClassName(name));
	}

	/** A class named, even the empty one (explicitly none), or the beta annotation. */
	private static boolean hasClass(PersistentVolumeClaim claim) {
		Map<String, String> annotations = claim.getMetadata().getAnnotations();
		return claim.getSpec() == null || claim.getSpec().getStorageClassName() != null
				|| (annotations != null && annotations.containsKey(BETA_CLAIM_CLASS));
	}

	Optional<String> defaultClass() {
		return this.classes.get()
			.stream()
			.filter(DefaultStorageClass::isDefault)
			.min(NEWEST_FIRST)
			.map((sc) -> sc.getMetadata().getName());
	}

	private static boolean isDefault(StorageClass sc) {
		Map<String, String> annotations = sc.getMetadata().getAnnotations();
		return annotations != null
				&& ("true".equals(annotations.get(IS_DEFAULT)) || "true".equals(annotations.get(BETA_IS_DEFAULT)));
	}

	private static Instant created(StorageClass sc) {
		String timestamp = sc.getMetadata().getCreationTimestamp();
		try {
			return timestamp == null ? Instant.EPOCH : Instant.parse(timestamp);
		}
		catch (RuntimeException ex) {
			return Instant.EPOCH;
		}
	}

}
