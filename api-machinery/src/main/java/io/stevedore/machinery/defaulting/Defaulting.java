package io.stevedore.machinery.defaulting;

import java.util.Map;
import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.stevedore.machinery.registry.ResourceType;

/**
 * The apiserver's defaulting step, run on every decoded create or update body before
 * validation, as Kubernetes' SetObjectDefaults_*. Mutates the object in place: an absent
 * spec or status becomes an empty one ({@link EmptySpecAndStatus}), then the kind's own
 * defaults, if any. Allocation (clusterIPs, nodePorts), the service account admission
 * (serviceAccountName) and the Job selector, which needs the uid, are not defaults: see
 * {@link BatchDefaults#generateSelector}.
 *
 * <p>
 * Stateless and thread-safe (the object is not).
 */
public final class Defaulting {

	private static final Map<Class<?>, Consumer<HasMetadata>> DEFAULTERS = Map.ofEntries(
			entry(Pod.class, PodDefaults::pod), entry(Service.class, ServiceDefaults::service),
			entry(Secret.class, MiscDefaults::secret), entry(Namespace.class, MiscDefaults::namespace),
			entry(Node.class, MiscDefaults::node), entry(Endpoints.class, MiscDefaults::endpoints),
			entry(PersistentVolume.class, MiscDefaults::persistentVolume),
			entry(PersistentVolumeClaim.class, MiscDefaults::persistentVolumeClaim),
			entry(LimitRange.class, MiscDefaults::limitRange), entry(ResourceQuota.class, MiscDefaults::resourceQuota),
			entry(Deployment.class, WorkloadDefaults::deployment),
			entry(ReplicaSet.class, WorkloadDefaults::replicaSet),
			entry(StatefulSet.class, WorkloadDefaults::statefulSet),
			entry(DaemonSet.class, WorkloadDefaults::daemonSet), entry(Job.class, BatchDefaults::job),
			entry(CronJob.class, BatchDefaults::cronJob),
			entry(HorizontalPodAutoscaler.class, AutoscalingDefaults::hpa),
			entry(EndpointSlice.class, MiscDefaults::endpointSlice),
			entry(NetworkPolicy.class, MiscDefaults::networkPolicy),
			entry(RoleBinding.class, MiscDefaults::roleBinding),
			entry(ClusterRoleBinding.class, MiscDefaults::clusterRoleBinding),
			entry(PriorityClass.class, MiscDefaults::priorityClass),
			entry(StorageClass.class, MiscDefaults::storageClass));

	private Defaulting() {
	}

	public static void apply(ResourceType type, HasMetadata obj) {
		if (!type.javaType().isInstance(obj)) {
			throw new IllegalArgumentException(
					"defaults for " + type.kind() + " were asked of a " + obj.getClass().getSimpleName());
		}
		EmptySpecAndStatus.fill(obj);
		Consumer<HasMetadata> defaulter = DEFAULTERS.get(obj.getClass());
		if (defaulter != null) {
			defaulter.accept(obj);
		}
	}

	@SuppressWarnings("unchecked")
	private static <T extends HasMetadata> Map.Entry<Class<?>, Consumer<HasMetadata>> entry(Class<T> type,
			Consumer<T> defaulter) {
		return Map.entry(type, obj -> defaulter.accept((T) obj));
	}

}
