package io.stevedore.proxy.dns;

import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kube-system/kube-dns}, as a cluster made by kubeadm has it: it reserves the DNS
 * address in the apiserver's Service range (no other Service can be given it) and tells
 * users and tools where DNS is. It has no selector (this server is not a pod) and carries
 * {@code service.kubernetes.io/service-proxy-name}, the label kube-proxy skips a Service
 * by, so the Service proxy leaves its address to this server.
 */
final class KubeDnsService {

	static final String NAMESPACE = "kube-system";

	static final String NAME = "kube-dns";

	static final String PROXY_NAME_LABEL = "service.kubernetes.io/service-proxy-name";

	static final String PROXY_NAME = "stevedore-dns";

	private static final Logger log = LoggerFactory.getLogger(KubeDnsService.class);

	private KubeDnsService() {
	}

	static Service desired(String clusterIp) {
		return new ServiceBuilder().withNewMetadata()
			.withNamespace(NAMESPACE)
			.withName(NAME)
			.withLabels(Map.of("k8s-app", "kube-dns", "kubernetes.io/name", "KubeDNS", PROXY_NAME_LABEL, PROXY_NAME))
			.endMetadata()
			.withNewSpec()
			.withType("ClusterIP")
			.withClusterIP(clusterIp)
			.withClusterIPs(clusterIp)
			.withPorts(port("dns", "UDP"), port("dns-tcp", "TCP"))
			.endSpec()
			.build();
	}

	/**
	 * Creates the Service unless it exists. Throws {@link KubernetesClientException} when
	 * the apiserver cannot be reached or refuses, so the caller can retry.
	 * @return true when created, false when it already existed
	 */
	static boolean ensure(KubernetesClient client, String clusterIp) {
		Service existing = client.services().inNamespace(NAMESPACE).withName(NAME).get();
		if (existing == null) {
			try {
				client.services().inNamespace(NAMESPACE).resource(desired(clusterIp)).create();
				log.info("Created Service {}/{} with ClusterIP {}", NAMESPACE, NAME, clusterIp);
				return true;
			}
			catch (KubernetesClientException ex) {
				if (ex.getCode() != 409) {
					throw ex;
				}
				existing = client.services().inNamespace(NAMESPACE).withName(NAME).get();
			}
		}
		if (existing != null && !Objects.equals(existing.getSpec().getClusterIP(), clusterIp)) {
			log.warn("Service {}/{} has ClusterIP {}, not the DNS address {}: pods are pointed at {}", NAMESPACE, NAME,
					existing.getSpec().getClusterIP(), clusterIp, clusterIp);
		}
		return false;
	}

	private static io.fabric8.kubernetes.api.model.ServicePort port(String name, String protocol) {
		return new ServicePortBuilder().withName(name)
			.withProtocol(protocol)
			.withPort(53)
			.withTargetPort(new IntOrString(53))
			.build();
	}

}
