package io.stevedore.nodeagent.runtime;

import java.util.List;
import java.util.Map;

/**
 * The sandbox of one pod: a long-sleeping container that holds the network namespace
 * every container of the pod joins.
 *
 * @param name the container name
 * @param image the sandbox image
 * @param command what it runs (something that sleeps and exits on a signal)
 * @param labels identify the pod and the node
 * @param network the Docker network of pods, ignored when {@code hostNetwork}
 * @param hostNetwork the pod uses the node's network namespace
 * @param hostname the pod's hostname
 * @param dns nameservers, searches and options for resolv.conf; empty lists keep Docker's
 * @param portBindings hostPort publishing
 */
public record SandboxSpec(String name, String image, List<String> command, Map<String, String> labels, String network,
		boolean hostNetwork, String hostname, DnsSettings dns, List<PortBinding> portBindings) {

	public record DnsSettings(List<String> nameservers, List<String> searches, List<String> options) {

		public static DnsSettings none() {
			return new DnsSettings(List.of(), List.of(), List.of());
		}

	}

	/**
	 * @param protocol {@code tcp}, {@code udp} or {@code sctp}
	 * @param hostIp empty for every address
	 */
	public record PortBinding(int containerPort, String protocol, String hostIp, int hostPort) {
	}

}
