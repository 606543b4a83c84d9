package io.stevedore.controller.manager;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.controller.workload.OwnerIndex;

/**
 * One informer per resource type for every controller of a leadership term
 * (kube-controller-manager's SharedInformerFactory): each pod event is decoded and cached
 * once however many controllers watch pods. Informers watch all namespaces with no resync
 * and start the first time a controller asks; the indexes controllers share are added
 * before that start, so no controller has to add one to a running informer.
 */
public final class SharedInformers {

	/** Index of pods by {@code spec.nodeName}, for controllers that act per node. */
	public static final String NODE_NAME_INDEX = "node-name";

	/** The types controllers watch; the garbage collector shares their informers. */
	private static final List<Class<? extends HasMetadata>> SHAREABLE = List.of(Pod.class, ReplicaSet.class,
			io.fabric8.kubernetes.api.model.apps.Deployment.class,
			io.fabric8.kubernetes.api.model.apps.StatefulSet.class,
			io.fabric8.kubernetes.api.model.apps.DaemonSet.class, ControllerRevision.class, Job.class,
			io.fabric8.kubernetes.api.model.batch.v1.CronJob.class, io.fabric8.kubernetes.api.model.Node.class,
			io.fabric8.kubernetes.api.model.Namespace.class, io.fabric8.kubernetes.api.model.Service.class,
			io.fabric8.kubernetes.api.model.Endpoints.class,
			io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice.class,
			io.fabric8.kubernetes.api.model.ConfigMap.class, io.fabric8.kubernetes.api.model.Secret.class,
			io.fabric8.kubernetes.api.model.ServiceAccount.class,
			io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class,
			io.fabric8.kubernetes.api.model.PersistentVolume.class, io.fabric8.kubernetes.api.model.ResourceQuota.class,
			io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class,
			io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class);

	private final Function<Class<? extends HasMetadata>, SharedIndexInformer<? extends HasMetadata>> create;

	private final Map<Class<?>, SharedIndexInformer<?>> informers = new LinkedHashMap<>();

	private boolean stopped;

	public SharedInformers(KubernetesClient client) {
		this((type) -> client.resources(type).inAnyNamespace().runnableInformer(0));
	}

	/** With the way an informer of a type is made (tests). */
	public SharedInformers(Function<Class<? extends HasMetadata>, SharedIndexInformer<? extends HasMetadata>> create) {
		this.create = create;
	}

	/** The started informer of the type, the same instance on every call. */
	@SuppressWarnings("unchecked")
	public synchronized <T extends HasMetadata> SharedIndexInformer<T> informer(Class<T> type) {
		if (this.stopped) {
			throw new IllegalStateException("shared informers stopped");
		}
		SharedIndexInformer<T> informer = (SharedIndexInformer<T>) this.informers.get(type);
		if (informer == null) {
			informer = (SharedIndexInformer<T>) this.create.apply(type);
			addSharedIndexes(type, informer);
			informer.start();
			this.informers.put(type, informer);
		}
		return informer;
	}

	/**
	 * The typed class of a built-in resource whose informer can be shared (the garbage
	 * collector watches what discovery lists by apiVersion and kind), or null.
	 */
	public static Class<? extends HasMetadata> typeOf(String apiVersion, String kind) {
		for (Class<? extends HasMetadata> type : SHAREABLE) {
			if (HasMetadata.getApiVersion(type).equals(apiVersion) && HasMetadata.getKind(type).equals(kind)) {
				return type;
			}
		}
		return null;
	}

	/** How many informers were started (tests, metrics). */
	public synchronized int size() {
		return this.informers.size();
	}

	/** Stops every informer: the leadership term is over. */
	public synchronized void stopAll() {
		this.stopped = true;
		List<SharedIndexInformer<?>> all = new ArrayList<>(this.informers.values());
		this.informers.clear();
		all.forEach(SharedIndexInformer::stop);
	}

	@SuppressWarnings("unchecked")
	private static <T extends HasMetadata> void addSharedIndexes(Class<T> type, SharedIndexInformer<T> informer) {
		if (type == Pod.class || type == ReplicaSet.class || type == Job.class || type == ControllerRevision.class) {
			OwnerIndex.addTo(informer);
		}
		if (type == Pod.class) {
			((SharedIndexInformer<Pod>) (SharedIndexInformer<?>) informer).addIndexers(
					Map.of(NODE_NAME_INDEX, (Pod pod) -> pod.getSpec() == null || pod.getSpec().getNodeName() == null
							? List.of() : List.of(pod.getSpec().getNodeName())));
		}
	}

}
