package io.stevedore.scheduler.plugins.defaultpreemption;

import java.util.List;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.scheduler.framework.LazyInformer;

/**
 * The cluster's PodDisruptionBudgets (policy/v1), as Kubernetes' preemption lists them
 * from its informer. Behind an interface so victim selection is unit-tested.
 */
public interface DisruptionBudgets {

	List<PodDisruptionBudget> list();

	/** Stops what {@link #list} started, with the scheduler. */
	default void close() {
	}

	/** No budgets: every victim is non-violating. */
	static DisruptionBudgets none() {
		return List::of;
	}

	/**
	 * Read from an informer started on first use: preemption is rare, so a cluster that
	 * never preempts does not keep a watch open for it; the first preemption waits for
	 * the initial list (bounded), as kube-scheduler waits for its caches before
	 * scheduling.
	 */
	static DisruptionBudgets informer(KubernetesClient client) {
		LazyInformer<PodDisruptionBudget> informer = new LazyInformer<>("poddisruptionbudgets",
				() -> client.policy().v1().podDisruptionBudget().inAnyNamespace().runnableInformer(0));
		return new DisruptionBudgets() {
			@Override
			public List<PodDisruptionBudget> list() {
				return informer.get().getStore().list();
			}

			@Override
			public void close() {
				informer.close();
			}
		};
	}

}
