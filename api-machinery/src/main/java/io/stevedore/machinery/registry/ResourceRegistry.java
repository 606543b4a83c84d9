package io.stevedore.machinery.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.ConfigMap;
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
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.storage.StorageClass;

/**
 * Every resource the apiserver serves, with the scope, short names and categories
 * Kubernetes gives them. Discovery, routing, storage keys and kubectl's resource
 * resolution all read from here, so adding a resource is one line.
 */
public final class ResourceRegistry {

	private static final List<String> ALL = List.of("all");

	private static final Set<String> STATUS = Set.of("status");

	private static final Set<String> STATUS_SCALE = Set.of("status", "scale");

	private final Map<String, ResourceType> byGroupVersionResource = new LinkedHashMap<>();

	private final Map<String, ResourceType> byGroupKind = new LinkedHashMap<>();

	private static final ResourceRegistry DEFAULT = new ResourceRegistry(defaults());

	public ResourceRegistry(Collection<ResourceType> types) {
		for (ResourceType type : types) {
			this.byGroupVersionResource.put(type.group() + "/" + type.version() + "/" + type.plural(), type);
			this.byGroupKind.putIfAbsent(type.group() + "/" + type.kind(), type);
		}
	}

	/** The built-in resources. */
	public static ResourceRegistry standard() {
		return DEFAULT;
	}

	public Optional<ResourceType> find(String group, String version, String plural) {
		return Optional.ofNullable(this.byGroupVersionResource.get(group + "/" + version + "/" + plural));
	}

	public Optional<ResourceType> findByKind(String group, String kind) {
		return Optional.ofNullable(this.byGroupKind.get(group + "/" + kind));
	}

	/** The resource a typed object belongs to, from its apiVersion and kind. */
	public Optional<ResourceType> findByApiVersionKind(String apiVersion, String kind) {
		if (apiVersion == null || kind == null) {
			return Optional.empty();
		}
		int slash = apiVersion.indexOf('/');
		String group = slash < 0 ? "" : apiVersion.substring(0, slash);
		String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
		return findByKind(group, kind).filter(t -> t.version().equals(version));
	}

	public Collection<ResourceType> all() {
		return this.byGroupVersionResource.values();
	}

	/**
	 * The group/versions served, in discovery order: {@code v1} first, then groups by
	 * name.
	 */
	public List<String> groupVersions() {
		List<String> result = new ArrayList<>();
		for (ResourceType type : all()) {
			if (!result.contains(type.apiVersion())) {
				result.add(type.apiVersion());
			}
		}
		return result;
	}

	public List<ResourceType> inGroupVersion(String group, String version) {
		return all().stream().filter(t -> t.group().equals(group) && t.version().equals(version)).toList();
	}

	private static List<ResourceType> defaults() {
		List<ResourceType> t = new ArrayList<>();
		// core/v1
		t.add(cluster("", "v1", "Namespace", "namespaces", List.of("ns"), List.of(), Set.of("status", "finalize"),
				Namespace.class));
		t.add(ns("", "v1", "Pod", "pods", List.of("po"), ALL,
				Set.of("status", "binding", "eviction", "log", "ephemeralcontainers"), Pod.class));
		t.add(cluster("", "v1", "Node", "nodes", List.of("no"), List.of(), STATUS, Node.class));
		t.add(ns("", "v1", "Service", "services", List.of("svc"), ALL, STATUS, Service.class));
		t.add(ns("", "v1", "Endpoints", "endpoints", List.of("ep"), List.of(), Set.of(), Endpoints.class));
		t.add(ns("", "v1", "ConfigMap", "configmaps", List.of("cm"), List.of(), Set.of(), ConfigMap.class));
		t.add(ns("", "v1", "Secret", "secrets", List.of(), List.of(), Set.of(), Secret.class));
		t.add(ns("", "v1", "ServiceAccount", "serviceaccounts", List.of("sa"), List.of(), Set.of(),
				ServiceAccount.class));
		t.add(ns("", "v1", "Event", "events", List.of("ev"), List.of(), Set.of(),
				io.fabric8.kubernetes.api.model.Event.class));
		t.add(ns("", "v1", "LimitRange", "limitranges", List.of("limits"), List.of(), Set.of(), LimitRange.class));
		t.add(ns("", "v1", "ResourceQuota", "resourcequotas", List.of("quota"), List.of(), STATUS,
				ResourceQuota.class));
		t.add(cluster("", "v1", "PersistentVolume", "persistentvolumes", List.of("pv"), List.of(), STATUS,
				PersistentVolume.class));
		t.add(ns("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", List.of("pvc"), List.of(), STATUS,
				PersistentVolumeClaim.class));
		// apps/v1
		t.add(ns("apps", "v1", "Deployment", "deployments", List.of("deploy"), ALL, STATUS_SCALE, Deployment.class));
		t.add(ns("apps", "v1", "ReplicaSet", "replicasets", List.of("rs"), ALL, STATUS_SCALE, ReplicaSet.class));
		t.add(ns("apps", "v1", "StatefulSet", "statefulsets", List.of("sts"), ALL, STATUS_SCALE, StatefulSet.class));
		t.add(ns("apps", "v1", "DaemonSet", "daemonsets", List.of("ds"), ALL, STATUS, DaemonSet.class));
		t.add(ns("apps", "v1", "ControllerRevision", "controllerrevisions", List.of(), List.of(), Set.of(),
				ControllerRevision.class));
		// batch/v1
		t.add(ns("batch", "v1", "Job", "jobs", List.of(), ALL, STATUS, Job.class));
		t.add(ns("batch", "v1", "CronJob", "cronjobs", List.of("cj"), ALL, STATUS, CronJob.class));
		// networking.k8s.io/v1
		t.add(ns("networking.k8s.io", "v1", "Ingress", "ingresses", List.of("ing"), List.of(), STATUS, Ingress.class));
		t.add(cluster("networking.k8s.io", "v1", "IngressClass", "ingressclasses", List.of(), List.of(), Set.of(),
				IngressClass.class));
		t.add(ns("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", List.of("netpol"), List.of(), Set.of(),
				NetworkPolicy.class));
		// rbac.authorization.k8s.io/v1
		String rbac = "rbac.authorization.k8s.io";
		t.add(ns(rbac, "v1", "Role", "roles", List.of(), List.of(), Set.of(), Role.class));
		t.add(ns(rbac, "v1", "RoleBinding", "rolebindings", List.of(), List.of(), Set.of(), RoleBinding.class));
		t.add(cluster(rbac, "v1", "ClusterRole", "clusterroles", List.of(), List.of(), Set.of(), ClusterRole.class));
		t.add(cluster(rbac, "v1", "ClusterRoleBinding", "clusterrolebindings", List.of(), List.of(), Set.of(),
				ClusterRoleBinding.class));
		// coordination, discovery, events
		t.add(ns("coordination.k8s.io", "v1", "Lease", "leases", List.of(), List.of(), Set.of(), Lease.class));
		t.add(ns("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", List.of(), List.of(), Set.of(),
				EndpointSlice.class));
		t.add(ns("events.k8s.io", "v1", "Event", "events", List.of("ev"), List.of(), Set.of(),
				io.fabric8.kubernetes.api.model.events.v1.Event.class));
		// autoscaling, policy, scheduling, storage
		t.add(ns("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", List.of("hpa"), ALL,
				STATUS, HorizontalPodAutoscaler.class));
		// Served too, stored as v2 (conversion.Conversions); after v2 so v2 is the
		// preferred version and the kind's entry.
		t.add(ns("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", List.of("hpa"), ALL,
				STATUS, io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler.class));
		t.add(ns("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", List.of("pdb"), List.of(), STATUS,
				PodDisruptionBudget.class));
		t.add(cluster("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", List.of("pc"), List.of(), Set.of(),
				PriorityClass.class));
		t.add(cluster("storage.k8s.io", "v1", "StorageClass", "storageclasses", List.of("sc"), List.of(), Set.of(),
				StorageClass.class));
		// TLS bootstrapping: node agents ask for their client certificate
		t.add(cluster("certificates.k8s.io", "v1", "CertificateSigningRequest", "certificatesigningrequests",
				List.of("csr"), List.of(), Set.of("status", "approval"), CertificateSigningRequest.class));
		return t;
	}

	private static ResourceType ns(String group, String version, String kind, String plural, List<String> shortNames,
			List<String> categories, Set<String> subresources, Class<? extends HasMetadata> type) {
		return new ResourceType(group, version, kind, plural, kind.toLowerCase(), true, shortNames, categories,
				subresources, type);
	}

	private static ResourceType cluster(String group, String version, String kind, String plural,
			List<String> shortNames, List<String> categories, Set<String> subresources,
			Class<? extends HasMetadata> type) {
		return new ResourceType(group, version, kind, plural, kind.toLowerCase(), false, shortNames, categories,
				subresources, type);
	}

}
