package io.stevedore.controller.garbagecollector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** The live objects as a map, recording what the collector did to them. */
final class FakeClusterObjects implements ClusterObjects {

	private final Map<String, ObjectMeta> objects = new LinkedHashMap<>();

	final List<String> deletions = new ArrayList<>();

	final List<String> finalizersRemoved = new ArrayList<>();

	final List<String> referencesRemoved = new ArrayList<>();

	final List<String> referencesUnblocked = new ArrayList<>();

	void put(ObjectIdentity identity, ObjectMeta meta) {
		this.objects.put(key(identity), meta);
	}

	@Override
	public Optional<ObjectMeta> get(ObjectIdentity identity) {
		return Optional.ofNullable(this.objects.get(key(identity))).map(m -> new ObjectMetaBuilder(m).build());
	}

	@Override
	public void delete(ObjectIdentity identity, String propagationPolicy) {
		this.deletions.add(identity.name() + " " + propagationPolicy);
		this.objects.remove(key(identity));
	}

	@Override
	public void removeOwnerReferences(ObjectIdentity dependent, Set<String> ownerUids) {
		ObjectMeta meta = this.objects.get(key(dependent));
		if (meta == null) {
			return;
		}
		meta.setOwnerReferences(
				meta.getOwnerReferences().stream().filter(r -> !ownerUids.contains(r.getUid())).toList());
		ownerUids.stream().sorted().forEach(uid -> this.referencesRemoved.add(dependent.name() + " -> " + uid));
	}

	@Override
	public void unblockOwnerReferences(ObjectIdentity dependent, Set<String> ownerUids) {
		ObjectMeta meta = this.objects.get(key(dependent));
		List<OwnerReference> references = new ArrayList<>();
		for (OwnerReference reference : meta.getOwnerReferences()) {
			references.add(ownerUids.contains(reference.getUid())
					? new OwnerReferenceBuilder(reference).withBlockOwnerDeletion(false).build() : reference);
		}
		meta.setOwnerReferences(references);
		this.referencesUnblocked.add(dependent.name());
	}

	@Override
	public void removeFinalizer(ObjectIdentity identity, String finalizer) {
		ObjectMeta meta = this.objects.get(key(identity));
		if (meta == null) {
			return;
		}
		meta.setFinalizers(meta.getFinalizers().stream().filter(f -> !f.equals(finalizer)).toList());
		this.finalizersRemoved.add(identity.name() + " " + finalizer);
	}

	private static String key(ObjectIdentity identity) {
		return identity.apiVersion() + "/" + identity.kind() + "/" + identity.namespace() + "/" + identity.name();
	}

}
