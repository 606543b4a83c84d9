package io.stevedore.scheduler.plugins.defaultpreemption;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's PodDisruptionBudgets (policy/v1), as Kubernetes' preemption lists them
 * from its informer. Behind an interface so victim selection is unit-tested.
 */
public interface DisruptionBudgets {

	List<PodDisruptionBudget> list();

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
		return new DisruptionBudgets() {

			private static final Logger log = LoggerFactory.getLogger(DisruptionBudgets.class);

			private volatile SharedIndexInformer<PodDisruptionBudget> informer;

			@Override
			public List<PodDisruptionBudget> list() {
				SharedIndexInformer<PodDisruptionBudget> current = this.informer;
				if (current == null) {
					synchronized (this) {
						if (this.informer == null) {
							SharedIndexInformer<PodDisruptionBudget> started = client.policy()
								.v1()
								.podDisruptionBudget()
								.inAnyNamespace()
								.runnableInformer(0);
							try {
								started.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
							}
							catch (Exception ex) {
								log.warn("poddisruptionbudgets informer did not sync within 10s error=\"{}\"",
										ex.toString());
							}
							this.informer = started;
						}
						current = this.informer;
					}
				}
				return current.getStore().list();
			}
		};
	}

}
