package io.stevedore.controller.replicaset;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stevedore.controller.workload.CacheLister;

/**
 * A {@link CacheLister} over objects a test puts in: the informer cache of unit tests.
 */
public final class InMemoryLister<T extends HasMetadata> implements CacheLister<T> {

	private final Map<String, T> objects = new ConcurrentHashMap<>();

	@SafeVarargs
	public static <T extends HasMetadata> InMemoryLister<T> of(T... objects) {
		InMemoryLister<T> lister = new InMemoryLister<>();
		for (T object : objects) {
			lister.put(object);
		}
		return lister;
	}

	public InMemoryLister<T> put(T object) {
		this.objects.put(key(object.getMetadata().getNamespace(), object.getMetadata().getName()), object);
		return this;
	}

	public void remove(T object) {
		this.objects.remove(key(object.getMetadata().getNamespace(), object.getMetadata().getName()));
	}

	@Override
	public T get(String namespace, String name) {
		return this.objects.get(key(namespace, name));
	}

	/** The objects whose controllerRef has this uid (the informers' owner index). */
	public List<T> controlledBy(String uid) {
		return list((o) -> io.stevedore.controller.workload.ControllerRefs.isControlledBy(o, uid));
	}

	/**
	 * What the owner may claim: the objects it controls and the orphans of its namespace
	 * (the informers' owner index, {@code OwnerIndex.claimCandidates}).
	 */
	public List<T> claimCandidates(HasMetadata owner) {
		String uid = owner.getMetadata().getUid();
		String namespace = owner.getMetadata().getNamespace();
		return list((o) -> namespace.equals(o.getMetadata().getNamespace())
				&& (io.stevedore.controller.workload.ControllerRefs.isControlledBy(o, uid)
						|| io.stevedore.controller.workload.ControllerRefs.controllerOf(o) == null));
	}

	@Override
	public List<T> list(String namespace) {
		return list((o) -> namespace.equals(o.getMetadata().getNamespace()));
	}

	private List<T> list(java.util.function.Predicate<T> filter) {
		List<T> result = new ArrayList<>();
		this.objects.values().stream().filter(filter).forEach(result::add);
		result.sort(java.util.Comparator.comparing(o -> o.getMetadata().getName()));
		return result;
	}

	private static String key(String namespace, String name) {
		return namespace + "/" + name;
	}

}
