package io.stevedore.nodeagent.runtime;

import java.util.List;
import java.util.Map;

/**
 * The sandbox of one pod: a long-sleeping container that holds the network namespace
 * every container of the pod joins. Its DNS settings are not the engine's business: the
 * agent writes the pod's resolv.conf and mounts it into every container.
 *
 * @param name the container name
 * @param image the sandbox image
 * @param command what it runs (something that sleeps and exits on a signal)
 * @param labels identify the pod and the node
 * @param network the Docker network of pods, ignored when {@code hostNetwork}
 * @param hostNetwork the pod uses the node's network namespace
 * @param hostname the pod's hostname
 * @param domain the domain of the pod's own /etc/hosts line
 * ({@code <ip> <hostname>.<domain>
 * <hostname>}), empty for none
 * @param hostAliases {@code spec.hostAliases}: more /etc/hosts lines
 * @param portBindings hostPort publishing
 * @param cgroupParent the pod's cgroup, or null for the engine's default place
 */
public record SandboxSpec(String name, String image, List<String> command, Map<String, String> labels, String network,
		boolean hostNetwork, String hostname, String domain, List<HostAlias> hostAliases,
		List<PortBinding> portBindings, String cgroupParent) {

	/** One {@code spec.hostAliases} entry: names for an address. */
	public record HostAlias(String ip, List<String> hostnames) {
	}

	/**
	 * @param protocol {@code tcp}, {@code udp} or {@code sctp}
	 * @param hostIp empty for every address
	 */
	public record PortBinding(int containerPort, String protocol, String hostIp, int hostPort) {
	}

}
