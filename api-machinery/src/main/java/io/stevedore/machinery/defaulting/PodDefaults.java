package io.stevedore.machinery.defaulting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.stevedore.machinery.quantity.Quantity;
import io.stevedore.machinery.quantity.QuantityFormatException;

/**
 * Kubernetes' SetDefaults_Pod, SetDefaults_PodSpec, SetDefaults_Container, probe, port,
 * volume-source and resource-list defaults (pkg/apis/core/v1/defaults.go). A pod template
 * inside a controller gets the PodSpec defaults but not the Pod-only ones (requests from
 * limits, enableServiceLinks, host-network ports).
 */
public final class PodDefaults {

	/**
	 * Kubernetes' default file mode of secret, configMap, downwardAPI and projected
	 * volumes (0644).
	 */
	static final int DEFAULT_MODE = 0644;

	private PodDefaults() {
	}

	public static void pod(Pod pod) {
		if (pod.getSpec() == null) {
			pod.setSpec(new PodSpec());
		}
		PodSpec spec = pod.getSpec();
		// Requests default to limits on Pods only: a template's limits could still be
		// changed by a LimitRange at pod creation.
		for (Container c : list(spec.getContainers())) {
			requestsFromLimits(c);
		}
		for (Container c : list(spec.getInitContainers())) {
			requestsFromLimits(c);
		}
		if (spec.getEnableServiceLinks() == null) {
			spec.setEnableServiceLinks(true);
		}
		if (Boolean.TRUE.equals(spec.getHostNetwork())) {
			hostNetworkPorts(spec.getContainers());
			hostNetworkPorts(spec.getInitContainers());
		}
		podSpec(spec, true);
		for (EphemeralContainer c : list(spec.getEphemeralContainers())) {
			ephemeralContainer(c);
		}
	}

	/**
	 * The Container defaults that apply to an ephemeral container's fields (it has no
	 * ports, probes, hooks or resources).
	 */
	static void ephemeralContainer(EphemeralContainer c) {
		c.setImagePullPolicy(orDefault(c.getImagePullPolicy(), defaultPullPolicy(c.getImage())));
		c.setTerminationMessagePath(orDefault(c.getTerminationMessagePath(), "/dev/termination-log"));
		c.setTerminationMessagePolicy(orDefault(c.getTerminationMessagePolicy(), "File"));
		fieldRefVersions(c.getEnv());
	}

	/** A template of a Deployment, ReplicaSet, StatefulSet or DaemonSet. */
	public static void template(PodTemplateSpec template) {
		if (template != null && template.getSpec() != null) {
			podSpec(template.getSpec(), true);
		}
	}

	/**
	 * A Job's template: restartPolicy stays as given, because a Job must choose OnFailure
	 * or Never and validation asks for it.
	 */
	public static void jobTemplate(PodTemplateSpec template) {
		if (template != null && template.getSpec() != null) {
			podSpec(template.getSpec(), false);
		}
	}

	static void podSpec(PodSpec spec, boolean defaultRestartPolicy) {
		if (spec.getDnsPolicy() == null || spec.getDnsPolicy().isEmpty()) {
			spec.setDnsPolicy("ClusterFirst");
		}
		if (defaultRestartPolicy && (spec.getRestartPolicy() == null || spec.getRestartPolicy().isEmpty())) {
			spec.setRestartPolicy("Always");
		}
		if (spec.getSecurityContext() == null) {
			spec.setSecurityContext(new PodSecurityContext());
		}
		if (spec.getTerminationGracePeriodSeconds() == null) {
			spec.setTerminationGracePeriodSeconds(30L);
		}
		if (spec.getSchedulerName() == null || spec.getSchedulerName().isEmpty()) {
			spec.setSchedulerName("default-scheduler");
		}
		for (Container c : list(spec.getContainers())) {
			container(c);
		}
		for (Container c : list(spec.getInitContainers())) {
			container(c);
		}
		for (Volume v : list(spec.getVolumes())) {
			volume(v);
		}
		spec.setOverhead(roundUp(spec.getOverhead()));
	}

	static void container(Container c) {
		c.setImagePullPolicy(orDefault(c.getImagePullPolicy(), defaultPullPolicy(c.getImage())));
		c.setTerminationMessagePath(orDefault(c.getTerminationMessagePath(), "/dev/termination-log"));
		c.setTerminationMessagePolicy(orDefault(c.getTerminationMessagePolicy(), "File"));
		for (ContainerPort p : list(c.getPorts())) {
			if (p.getProtocol() == null || p.getProtocol().isEmpty()) {
				p.setProtocol("TCP");
			}
		}
		fieldRefVersions(c.getEnv());
		probe(c.getLivenessProbe());
		probe(c.getReadinessProbe());
		probe(c.getStartupProbe());
		if (c.getLifecycle() != null) {
			if (c.getLifecycle().getPostStart() != null) {
				httpGet(c.getLifecycle().getPostStart().getHttpGet());
			}
			if (c.getLifecycle().getPreStop() != null) {
				httpGet(c.getLifecycle().getPreStop().getHttpGet());
			}
		}
		if (c.getResources() != null) {
			c.getResources().setLimits(roundUp(c.getResources().getLimits()));
			c.getResources().setRequests(roundUp(c.getResources().getRequests()));
		}
	}

	private static String orDefault(String value, String fallback) {
		return value == null || value.isEmpty() ? fallback : value;
	}

	/** Always for an image tagged latest (or untagged), IfNotPresent otherwise. */
	private static String defaultPullPolicy(String image) {
		return "latest".equals(imageTag(image)) ? "Always" : "IfNotPresent";
	}

	private static void fieldRefVersions(List<EnvVar> env) {
		for (EnvVar e : list(env)) {
			if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null
					&& e.getValueFrom().getFieldRef().getApiVersion() == null) {
				e.getValueFrom().getFieldRef().setApiVersion("v1");
			}
		}
	}

	static void probe(Probe p) {
		if (p == null) {
			return;
		}
		if (p.getTimeoutSeconds() == null || p.getTimeoutSeconds() == 0) {
			p.setTimeoutSeconds(1);
		}
		if (p.getPeriodSeconds() == null || p.getPeriodSeconds() == 0) {
			p.setPeriodSeconds(10);
		}
		if (p.getSuccessThreshold() == null || p.getSuccessThreshold() == 0) {
			p.setSuccessThreshold(1);
		}
		if (p.getFailureThreshold() == null || p.getFailureThreshold() == 0) {
			p.setFailureThreshold(3);
		}
		httpGet(p.getHttpGet());
	}

	private static void httpGet(HTTPGetAction h) {
		if (h == null) {
			return;
		}
		if (h.getPath() == null || h.getPath().isEmpty()) {
			h.setPath("/");
		}
		if (h.getScheme() == null || h.getScheme().isEmpty()) {
			h.setScheme("HTTP");
		}
	}

	static void volume(Volume v) {
		if (VolumeSources.none(v)) {
			v.setEmptyDir(new io.fabric8.kubernetes.api.model.EmptyDirVolumeSource());
		}
		if (v.getSecret() != null && v.getSecret().getDefaultMode() == null) {
			v.getSecret().setDefaultMode(DEFAULT_MODE);
		}
		if (v.getConfigMap() != null && v.getConfigMap().getDefaultMode() == null) {
			v.getConfigMap().setDefaultMode(DEFAULT_MODE);
		}
		if (v.getDownwardAPI() != null && v.getDownwardAPI().getDefaultMode() == null) {
			v.getDownwardAPI().setDefaultMode(DEFAULT_MODE);
		}
		if (v.getHostPath() != null && v.getHostPath().getType() == null) {
			v.getHostPath().setType("");
		}
		if (v.getProjected() != null) {
			if (v.getProjected().getDefaultMode() == null) {
				v.getProjected().setDefaultMode(DEFAULT_MODE);
			}
			for (VolumeProjection p : list(v.getProjected().getSources())) {
				if (p.getServiceAccountToken() != null && p.getServiceAccountToken().getExpirationSeconds() == null) {
					p.getServiceAccountToken().setExpirationSeconds(3600L);
				}
			}
		}
	}

	private static void requestsFromLimits(Container c) {
		ResourceRequirements r = c.getResources();
		if (r == null || r.getLimits() == null) {
			return;
		}
		Map<String, io.fabric8.kubernetes.api.model.Quantity> requests = r.getRequests() == null ? new LinkedHashMap<>()
				: new LinkedHashMap<>(r.getRequests());
		r.getLimits()
			.forEach((k, v) -> requests.putIfAbsent(k,
					new io.fabric8.kubernetes.api.model.Quantity(v.getAmount(), v.getFormat())));
		r.setRequests(requests);
	}

	private static void hostNetworkPorts(List<Container> containers) {
		for (Container c : list(containers)) {
			for (ContainerPort p : list(c.getPorts())) {
				if (p.getHostPort() == null || p.getHostPort() == 0) {
					p.setHostPort(p.getContainerPort());
				}
			}
		}
	}

	/**
	 * Kubernetes rounds every resource list up to milli precision and stores quantities
	 * in canonical form ({@code 1024Mi} reads back as {@code 1Gi}). Values that do not
	 * parse are left for validation to report.
	 */
	static Map<String, io.fabric8.kubernetes.api.model.Quantity> roundUp(
			Map<String, io.fabric8.kubernetes.api.model.Quantity> list) {
		if (list == null) {
			return null;
		}
		Map<String, io.fabric8.kubernetes.api.model.Quantity> result = new LinkedHashMap<>();
		list.forEach((k, v) -> {
			try {
				result.put(k, v == null ? null : Quantity.of(v).roundUp(-3).toModel());
			}
			catch (QuantityFormatException ex) {
				result.put(k, v);
			}
		});
		return result;
	}

	/**
	 * The tag of an image reference as Kubernetes' ParseImageName sees it: "latest" when
	 * neither a tag nor a digest is given, empty for a digest-only reference.
	 */
	static String imageTag(String image) {
		if (image == null) {
			return "latest";
		}
		String ref = image;
		boolean digest = false;
		int at = ref.indexOf('@');
		if (at >= 0) {
			ref = ref.substring(0, at);
			digest = true;
		}
		int colon = ref.lastIndexOf(':');
		if (colon > ref.lastIndexOf('/')) {
			return ref.substring(colon + 1);
		}
		return digest ? "" : "latest";
	}

	static <T> List<T> list(List<T> l) {
		return l == null ? List.of() : l;
	}

}
