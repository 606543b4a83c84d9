package io.stevedore.controller.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stevedore.client.controller.Keys;
import io.stevedore.machinery.selectors.LabelSelector;

/**
 * The controllers whose selector matches an orphan (Kubernetes'
 * {@code GetPodReplicaSets}, {@code GetPodJobs}, {@code GetPodStatefulSets},
 * {@code GetPodDaemonSets}): those a pod event wakes so one of them can adopt it. A
 * missing, empty or invalid selector matches nothing here, as there. Runs on informer
 * threads: it only reads the cache.
 *
 * @param <O> the controller type
 */
public final class SelectingOwners<O extends HasMetadata> {

	private final CacheLister<O> owners;

	private final Function<O, io.fabric8.kubernetes.api.model.LabelSelector> selectorOf;

	public SelectingOwners(CacheLister<O> owners,
			Function<O, io.fabric8.kubernetes.api.model.LabelSelector> selectorOf) {
		this.owners = owners;
		this.selectorOf = selectorOf;
	}

	/**
	 * The {@code namespace/name} keys of the object's namespace's owners that select it.
	 */
	public List<String> keysFor(HasMetadata object) {
		List<String> keys = new ArrayList<>();
		for (O owner : this.owners.list(object.getMetadata().getNamespace())) {
			try {
				LabelSelector selector = LabelSelector.from(this.selectorOf.apply(owner));
				if (!selector.isEverything() && ControllerRefClaim.selects(selector, object)) {
					keys.add(Keys.of(owner));
				}
			}
			catch (IllegalArgumentException ex) {
				// An invalid selector matches nothing.
			}
		}
		return keys;
	}

}
