package io.stevedore.proxy.ingress;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code status.loadBalancer.ingress} of every served Ingress: the addresses where the
 * Ingress answers — every node runs one, so the Nodes' InternalIP then ExternalIP
 * addresses (by node name), or the configured ones. Written only when different, with the
 * Ingress's resourceVersion: proxies on other nodes compute the same list, so a lost race
 * is a harmless conflict.
 */
final class IngressStatusWriter {

	private static final Logger log = LoggerFactory.getLogger(IngressStatusWriter.class);

	private final KubernetesClient client;

	private final List<String> configured;

	IngressStatusWriter(KubernetesClient client, List<String> configured) {
		this.client = client;
		this.configured = List.copyOf(configured);
	}

	void reconcile(Collection<Ingress> served, Collection<Node> nodes) {
		List<String> addresses = this.configured.isEmpty() ? nodeAddresses(nodes) : this.configured;
		if (addresses.isEmpty()) {
			return;
		}
		for (Ingress ingress : served) {
			List<String> current = (ingress.getStatus() == null || ingress.getStatus().getLoadBalancer() == null
					|| ingress.getStatus().getLoadBalancer().getIngress() == null)
							? List.of()
							: ingress.getStatus()
								.getLoadBalancer()
								.getIngress()
								.stream()
								.map(IngressLoadBalancerIngress::getIp)
								.toList();
			if (current.equals(addresses)) {
				continue;
			}
			List<IngressLoadBalancerIngress> desired = addresses.stream()
				.map(ip -> new IngressLoadBalancerIngressBuilder().withIp(ip).build())
				.toList();
			Ingress copy = new IngressBuilder(ingress).editOrNewStatus()
				.withNewLoadBalancer()
				.withIngress(desired)
				.endLoadBalancer()
				.endStatus()
				.build();
			try {
				this.client.network()
					.v1()
					.ingresses()
					.inNamespace(ingress.getMetadata().getNamespace())
					.resource(copy)
					.updateStatus();
			}
			catch (KubernetesClientException ex) {
				log.debug("status of Ingress {}/{} not written: {}", ingress.getMetadata().getNamespace(),
						ingress.getMetadata().getName(), ex.getMessage());
			}
		}
	}

	static List<String> nodeAddresses(Collection<Node> nodes) {
		Set<String> internal = new LinkedHashSet<>();
		Set<String> external = new LinkedHashSet<>();
		nodes.stream()
			.sorted(Comparator.comparing((Node n) -> n.getMetadata().getName()))
			.filter(n -> n.getStatus() != null && n.getStatus().getAddresses() != null)
			.flatMap(n -> n.getStatus().getAddresses().stream())
			.forEach((NodeAddress a) -> {
				if ("InternalIP".equals(a.getType())) {
					internal.add(a.getAddress());
				}
				else if ("ExternalIP".equals(a.getType())) {
					external.add(a.getAddress());
				}
			});
		internal.addAll(external);
		internal.remove(null);
		return List.copyOf(internal);
	}

}
