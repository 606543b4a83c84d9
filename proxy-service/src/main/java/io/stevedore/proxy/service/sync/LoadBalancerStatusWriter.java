package io.stevedore.proxy.service.sync;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.proxy.service.model.StateBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in bare-metal balancer: a LoadBalancer Service's
 * {@code status.loadBalancer.ingress} is the nodes' addresses, where its NodePorts and
 * ports answer. Every proxy computes the same answer from the same Nodes and writes only
 * when the stored status differs, with the Service's resourceVersion: a lost race is a
 * conflict and the next sync sees the winner's identical value, so no leader is needed.
 * Services with a {@code loadBalancerClass} belong to another implementation.
 */
public final class LoadBalancerStatusWriter {

	private static final Logger log = LoggerFactory.getLogger(LoadBalancerStatusWriter.class);

	private final KubernetesClient client;

	public LoadBalancerStatusWriter(KubernetesClient client) {
		this.client = client;
	}

	public void reconcile(Collection<Service> services, Collection<Node> nodes) {
		List<String> addresses = addresses(nodes);
		if (addresses.isEmpty()) {
			return;
		}
		for (Service service : services) {
			if (!wants(service)) {
				continue;
			}
			List<LoadBalancerIngress> desired = addresses.stream()
				.map(ip -> new LoadBalancerIngressBuilder().withIp(ip).withIpMode("VIP").build())
				.toList();
			LoadBalancerStatus current = (service.getStatus() == null) ? null : service.getStatus().getLoadBalancer();
			List<String> currentIps = (current == null || current.getIngress() == null) ? List.of()
					: current.getIngress().stream().map(LoadBalancerIngress::getIp).toList();
			if (currentIps.equals(addresses)) {
				continue;
			}
			Service copy = new io.fabric8.kubernetes.api.model.ServiceBuilder(service).editOrNewStatus()
				.withNewLoadBalancer()
				.withIngress(desired)
				.endLoadBalancer()
				.endStatus()
				.build();
			try {
				this.client.services().inNamespace(service.getMetadata().getNamespace()).resource(copy).updateStatus();
			}
			catch (KubernetesClientException ex) {
				// A conflict means another proxy (or a newer spec) won; the next sync
				// checks again.
				log.debug("load balancer status of {}/{} not written: {}", service.getMetadata().getNamespace(),
						service.getMetadata().getName(), ex.getMessage());
			}
		}
	}

	static boolean wants(Service service) {
		return service.getSpec() != null && "LoadBalancer".equals(service.getSpec().getType())
				&& service.getSpec().getLoadBalancerClass() == null && StateBuilder.proxied(service);
	}

	/**
	 * The nodes' InternalIP then ExternalIP addresses, ordered by node name, no
	 * duplicates.
	 */
	static List<String> addresses(Collection<Node> nodes) {
		List<Node> sorted = new ArrayList<>(nodes);
		sorted.sort((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()));
		Set<String> ips = new LinkedHashSet<>();
		for (String type : List.of("InternalIP", "ExternalIP")) {
			for (Node node : sorted) {
				if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
					continue;
				}
				for (NodeAddress address : node.getStatus().getAddresses()) {
					if (Objects.equals(type, address.getType()) && address.getAddress() != null) {
						ips.add(address.getAddress());
					}
				}
			}
		}
		return List.copyOf(ips);
	}

}
