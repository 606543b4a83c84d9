package io.stevedore.nodeagent.pod;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;

/**
 * A container's environment as the kubelet builds it: envFrom first, then env in order
 * (later wins), each value with {@code $(VAR)} expanded against what came before. A
 * missing ConfigMap, Secret or key fails the container with a message naming it, unless
 * the reference is optional.
 */
public final class EnvResolver {

	private final ApiObjects objects;

	public EnvResolver(ApiObjects objects) {
		this.objects = objects;
	}

	/**
	 * @param podIp the pod's IP (status.podIP), or empty
	 * @param hostIp the node's IP (status.hostIP)
	 * @return {@code NAME=value} entries in the order Docker should see them
	 */
	public List<String> resolve(Pod pod, Container container, String podIp, String hostIp)
			throws ContainerConfigException {
		String namespace = pod.getMetadata().getNamespace();
		// Service variables first: the pod's own values win and may refer to them.
		Map<String, String> env = new LinkedHashMap<>(serviceVariables(pod));
		for (EnvFromSource from : nonNull(container.getEnvFrom())) {
			String prefix = from.getPrefix() == null ? "" : from.getPrefix();
			if (from.getConfigMapRef() != null) {
				ConfigMap map = this.objects.configMap(namespace, from.getConfigMapRef().getName());
				if (map == null) {
					if (Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
						continue;
					}
					throw new ContainerConfigException(
							"configmap \"" + from.getConfigMapRef().getName() + "\" not found");
				}
				nonNull(map.getData()).forEach((k, v) -> env.put(prefix + k, v));
			}
			if (from.getSecretRef() != null) {
				Secret secret = this.objects.secret(namespace, from.getSecretRef().getName());
				if (secret == null) {
					if (Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
						continue;
					}
					throw new ContainerConfigException("secret \"" + from.getSecretRef().getName() + "\" not found");
				}
				secretData(secret).forEach((k, v) -> env.put(prefix + k, v));
			}
		}
		for (EnvVar var : nonNull(container.getEnv())) {
			String value;
			if (var.getValueFrom() == null) {
				value = Expansion.expand(var.getValue() == null ? "" : var.getValue(), env);
			}
			else {
				value = valueFrom(pod, container, var, podIp, hostIp);
				if (value == null) {
					continue;
				}
			}
			env.put(var.getName(), value);
		}
		List<String> result = new ArrayList<>();
		env.forEach((k, v) -> result.add(k + "=" + v));
		return result;
	}

	/**
	 * Whether the container's environment takes the pod's IP (status.podIP or podIPs),
	 * which is known only once the sandbox runs.
	 */
	static boolean needsPodIp(Container container) {
		return nonNull(container.getEnv()).stream()
			.map(EnvVar::getValueFrom)
			.filter(from -> from != null && from.getFieldRef() != null)
			.map(from -> from.getFieldRef().getFieldPath())
			.anyMatch(path -> "status.podIP".equals(path) || "status.podIPs".equals(path));
	}

	private Map<String, String> serviceVariables(Pod pod) {
		String namespace = pod.getMetadata().getNamespace();
		boolean links = !Boolean.FALSE.equals(pod.getSpec().getEnableServiceLinks());
		List<Service> inNamespace = links ? this.objects.services(namespace) : List.of();
		Service kubernetes = ("default".equals(namespace) ? inNamespace : this.objects.services("default")).stream()
			.filter(s -> "kubernetes".equals(s.getMetadata().getName()))
			.findFirst()
			.orElse(null);
		return ServiceEnvironment.of(namespace, links, inNamespace, kubernetes);
	}

	private String valueFrom(Pod pod, Container container, EnvVar var, String podIp, String hostIp)
			throws ContainerConfigException {
		String namespace = pod.getMetadata().getNamespace();
		var source = var.getValueFrom();
		if (source.getFieldRef() != null) {
			return fieldRef(pod, source.getFieldRef(), podIp, hostIp);
		}
		if (source.getResourceFieldRef() != null) {
			return resourceFieldRef(container, source.getResourceFieldRef());
		}
		if (source.getConfigMapKeyRef() != null) {
			var ref = source.getConfigMapKeyRef();
			boolean optional = Boolean.TRUE.equals(ref.getOptional());
			ConfigMap map = this.objects.configMap(namespace, ref.getName());
			if (map == null) {
				if (optional) {
					return null;
				}
				throw new ContainerConfigException("configmap \"" + ref.getName() + "\" not found");
			}
			String value = nonNull(map.getData()).get(ref.getKey());
			if (value == null) {
				if (optional) {
					return null;
				}
				throw new ContainerConfigException(
						"couldn't find key " + ref.getKey() + " in ConfigMap " + namespace + "/" + ref.getName());
			}
			return value;
		}
		if (source.getSecretKeyRef() != null) {
			var ref = source.getSecretKeyRef();
			boolean optional = Boolean.TRUE.equals(ref.getOptional());
			Secret secret = this.objects.secret(namespace, ref.getName());
			if (secret == null) {
				if (optional) {
					return null;
				}
				throw new ContainerConfigException("secret \"" + ref.getName() + "\" not found");
			}
			String value = secretData(secret).get(ref.getKey());
			if (value == null) {
				if (optional) {
					return null;
				}
				throw new ContainerConfigException(
						"couldn't find key " + ref.getKey() + " in Secret " + namespace + "/" + ref.getName());
			}
			return value;
		}
		throw new ContainerConfigException("env " + var.getName() + ": valueFrom has no source");
	}

	static String fieldRef(Pod pod, ObjectFieldSelector selector, String podIp, String hostIp)
			throws ContainerConfigException {
		String path = selector.getFieldPath();
		var meta = pod.getMetadata();
		String keyed = keyOf(path, "metadata.labels");
		if (keyed != null) {
			return nonNull(meta.getLabels()).getOrDefault(keyed, "");
		}
		keyed = keyOf(path, "metadata.annotations");
		if (keyed != null) {
			return nonNull(meta.getAnnotations()).getOrDefault(keyed, "");
		}
		return switch (path) {
			case "metadata.name" -> meta.getName();
			case "metadata.namespace" -> meta.getNamespace();
			case "metadata.uid" -> meta.getUid();
			case "metadata.labels" -> formatMap(meta.getLabels());
			case "metadata.annotations" -> formatMap(meta.getAnnotations());
			case "spec.nodeName" -> pod.getSpec().getNodeName();
			case "spec.serviceAccountName" ->
				pod.getSpec().getServiceAccountName() == null ? "" : pod.getSpec().getServiceAccountName();
			case "status.podIP", "status.podIPs" -> podIp == null ? "" : podIp;
			case "status.hostIP", "status.hostIPs" -> hostIp == null ? "" : hostIp;
			default -> throw new ContainerConfigException("unsupported fieldRef fieldPath \"" + path + "\"");
		};
	}

	/** {@code metadata.labels['app']} gives {@code app}. */
	private static String keyOf(String path, String prefix) {
		if (path.startsWith(prefix + "['") && path.endsWith("']")) {
			return path.substring(prefix.length() + 2, path.length() - 2);
		}
		return null;
	}

	private static String formatMap(Map<String, String> map) {
		StringBuilder text = new StringBuilder();
		nonNull(map).entrySet()
			.stream()
			.sorted(Map.Entry.comparingByKey())
			.forEach(e -> text.append(e.getKey()).append("=\"").append(e.getValue()).append("\"\n"));
		return text.toString().strip();
	}

	/**
	 * limits.cpu and requests.cpu in cores rounded up (divisor 1 by default); memory in
	 * bytes. An unset limit means the node's allocatable in Kubernetes; here it gives 0
	 * ...
	 */
	static String resourceFieldRef(Container container, ResourceFieldSelector selector)
			throws ContainerConfigException {
		String resource = selector.getResource();
		Map<String, Quantity> values;
		String name;
		if (resource.startsWith("limits.")) {
			values = container.getResources() == null ? null : container.getResources().getLimits();
			name = resource.substring("limits.".length());
		}
		else if (resource.startsWith("requests.")) {
			values = container.getResources() == null ? null : container.getResources().getRequests();
			name = resource.substring("requests.".length());
		}
		else {
			throw new ContainerConfigException("unsupported resourceFieldRef resource \"" + resource + "\"");
		}
		Quantity quantity = values == null ? null : values.get(name);
		if (quantity == null) {
			return "0";
		}
		BigDecimal amount = Quantity.getAmountInBytes(quantity);
		BigDecimal divisor = selector.getDivisor() == null ? BigDecimal.ONE
				: Quantity.getAmountInBytes(selector.getDivisor());
		if (divisor.signum() == 0) {
			divisor = BigDecimal.ONE;
		}
		return amount.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
	}

	static Map<String, String> secretData(Secret secret) {
		Map<String, String> data = new LinkedHashMap<>();
		nonNull(secret.getData())
			.forEach((k, v) -> data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
		nonNull(secret.getStringData()).forEach(data::put);
		return data;
	}

	private static <T> List<T> nonNull(List<T> list) {
		return list == null ? List.of() : list;
	}

	private static <K, V> Map<K, V> nonNull(Map<K, V> map) {
		return map == null ? Map.of() : map;
	}

}
