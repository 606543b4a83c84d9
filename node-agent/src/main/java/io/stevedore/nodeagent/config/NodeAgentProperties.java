package io.stevedore.nodeagent.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Quantity;
import io.stevedore.nodeagent.eviction.EvictionSignal;
import io.stevedore.nodeagent.eviction.EvictionThreshold;
import io.stevedore.nodeagent.gc.ContainerGcPolicy;
import io.stevedore.nodeagent.gc.ImageGcPolicy;
import io.stevedore.nodeagent.node.NodeAllocatable;
import io.stevedore.nodeagent.runtime.RuntimeLabels;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The node agent's settings ({@code stevedore.node.*}). Names follow the kubelet's flags
 * where there is one.
 *
 * @param name the Node's name; empty means the host name
 * @param address the node's InternalIP; empty means the host's first non-loopback IPv4
 * @param port the agent's port, published as daemonEndpoints.kubeletEndpoint
 * @param dockerHost where the Docker engine listens
 * @param rootDir where pod volumes live on the node; empty means
 * {@code ~/.stevedore/nodes/<name>}
 * @param podNetwork the Docker bridge network pods get their IPs on (shared by every
 * agent on the engine, so pods of different nodes reach each other)
 * @param sandboxImage the image of pod sandboxes (the pause container)
 * @param sandboxCommand what a sandbox runs: sleep until killed
 * @param maxPods the node's pods capacity
 * @param nodeLeaseDuration leaseDurationSeconds of the node's Lease
 * @param nodeLeaseRenewInterval how often the Lease is renewed (the heartbeat)
 * @param nodeStatusUpdateFrequency how often the node status is recomputed and compared
 * @param nodeStatusReportFrequency how often it is written even when nothing changed
 * @param relistPeriod how often the engine's containers are listed to notice changes (the
 * kubelet's PLEG relist period)
 * @param resyncPeriod every pod is synced at least this often (configMap and secret
 * volumes reach running pods through it)
 * @param crashLoopBackOffInitial first delay before restarting a container that keeps
 * exiting
 * @param crashLoopBackOffMax the back-off's ceiling
 * @param workers pods synced at once
 * @param clusterDns the cluster DNS servers ClusterFirst pods use (the kubelet's
 * {@code --cluster-dns}); empty makes them fall back to Default
 * @param clusterDomain the cluster's DNS domain ({@code --cluster-domain})
 * @param resolvConf the node's resolv.conf that Default pods copy
 * ({@code --resolv-conf}); empty means none
 * @param endpointRemovalTimeout how long a deleted pod waits for every proxy to stop
 * routing to it before its containers get the stop signal
 * @param runtime the container engine: {@code docker}, or {@code simulated} (runs
 * nothing; many nodes on one machine, for scale tests)
 * @param clusterName the cluster this node belongs to: a label on every Docker object the
 * agent creates, and a filter on everything it lists, so that clusters sharing one Docker
 * engine never adopt or remove each other's containers
 * @param dockerCallTimeout how long a short Docker call (inspect, list, create, start)
 * waits for an answer before the engine counts as down; pulls, logs and stops are not
 * bound by it
 * @param cgroupsPerQos every pod in a cgroup of its own under a QoS class cgroup, and the
 * node's root cgroup limited to Node Allocatable (the kubelet's {@code --cgroups-per-qos}
 * with {@code --enforce-node-allocatable=pods}); the docker runtime only, cgroupfs driver
 * only, and off by itself where the cgroup file system is not writable
 * @param cgroupRoot the node's root cgroup; empty means
 * {@code /stevedore/<name>/kubepods}, one per node since agents share an engine
 */
@ConfigurationProperties("stevedore.node")
public record NodeAgentProperties(@DefaultValue("") String name, @DefaultValue("") String address,
		@DefaultValue("10250") int port, @DefaultValue("unix:///var/run/docker.sock") String dockerHost,
		@DefaultValue("") String rootDir, @DefaultValue("stevedore-pods") String podNetwork,
		@DefaultValue("stevedore/pause:1") String sandboxImage, @DefaultValue( {
				"sleep", "2147483647" }) List<String> sandboxCommand,
		@DefaultValue("110") int maxPods, @DefaultValue("40s") Duration nodeLeaseDuration,
		@DefaultValue("2s") Duration nodeLeaseRenewInterval, @DefaultValue("10s") Duration nodeStatusUpdateFrequency,
		@DefaultValue("5m") Duration nodeStatusReportFrequency, @DefaultValue("1s") Duration relistPeriod,
		@DefaultValue("60s") Duration resyncPeriod, @DefaultValue("10s") Duration crashLoopBackOffInitial,
		@DefaultValue("5m") Duration crashLoopBackOffMax, @DefaultValue("16") int workers,
		@DefaultValue("10.96.0.10") List<String> clusterDns, @DefaultValue("cluster.local") String clusterDomain,
		@DefaultValue("/etc/resolv.conf") String resolvConf, @DefaultValue("10s") Duration endpointRemovalTimeout,
		@DefaultValue(RuntimeLabels.DEFAULT_CLUSTER) String clusterName, @DefaultValue("docker") String runtime,
		@DefaultValue("30s") Duration dockerCallTimeout, @DefaultValue ImageGcPolicy imageGc,
		@DefaultValue(EVICTION_HARD) String evictionHard, @DefaultValue("") String evictionSoft,
		@DefaultValue("") String evictionSoftGracePeriod, @DefaultValue("0") long evictionMaxPodGracePeriod,
		@DefaultValue("") String evictionMinimumReclaim, @DefaultValue("5m") Duration evictionPressureTransitionPeriod,
		@DefaultValue("") String systemReserved, @DefaultValue("") String kubeReserved,
		@DefaultValue ContainerGcPolicy containerGc, @DefaultValue("true") boolean cgroupsPerQos,
		@DefaultValue("") String cgroupRoot){

	/** The kubelet's Linux defaults. */
	public static final String EVICTION_HARD = "memory.available<100Mi,nodefs.available<10%,nodefs.inodesFree<5%,imagefs.available<15%,imagefs.inodesFree<5%";

	/**
	 * system-reserved and kube-reserved added up, checked when the properties are bound.
	 */
	public Map<String, Quantity> reserved() {
		return NodeAllocatable.sum(NodeAllocatable.parseReserved("stevedore.node.system-reserved", this.systemReserved),
				NodeAllocatable.parseReserved("stevedore.node.kube-reserved", this.kubeReserved));
	}

	/** The node's root cgroup: cgroup-root, else one of its own under /stevedore. */
	public String cgroupRoot(String nodeName) {
		return this.cgroupRoot.isEmpty() ? "/stevedore/" + nodeName + "/kubepods" : this.cgroupRoot;
	}

	/** The thresholds of {@code eviction-hard}, checked when the properties are bound. */
	public List<EvictionThreshold> evictionThresholds() {
		return EvictionThreshold.parse("stevedore.node.eviction-hard", this.evictionHard);
	}

	/** The amounts of {@code eviction-minimum-reclaim}, checked when bound. */
	public Map<EvictionSignal, EvictionThreshold> evictionMinimumReclaims() {
		return EvictionThreshold.parseMinimumReclaim("stevedore.node.eviction-minimum-reclaim",
				this.evictionMinimumReclaim);
	}

	/**
	 * The thresholds of {@code eviction-soft} with their grace periods, checked when the
	 * properties are bound.
	 */
	public List<EvictionThreshold> evictionSoftThresholds() {
		return EvictionThreshold.parseSoft("stevedore.node.eviction-soft", this.evictionSoft,
				"stevedore.node.eviction-soft-grace-period", this.evictionSoftGracePeriod);
	}

	public NodeAgentProperties {
		positive("stevedore.node.node-lease-duration", nodeLeaseDuration);
		positive("stevedore.node.node-lease-renew-interval", nodeLeaseRenewInterval);
		positive("stevedore.node.node-status-update-frequency", nodeStatusUpdateFrequency);
		positive("stevedore.node.node-status-report-frequency", nodeStatusReportFrequency);
		positive("stevedore.node.relist-period", relistPeriod);
		positive("stevedore.node.docker-call-timeout", dockerCallTimeout);
		positive("stevedore.node.resync-period", resyncPeriod);
		EvictionThreshold.parse("stevedore.node.eviction-hard", evictionHard);
		EvictionThreshold.parseSoft("stevedore.node.eviction-soft", evictionSoft,
				"stevedore.node.eviction-soft-grace-period", evictionSoftGracePeriod);
		EvictionThreshold.parseMinimumReclaim("stevedore.node.eviction-minimum-reclaim", evictionMinimumReclaim);
		if (evictionMaxPodGracePeriod < 0) {
			throw new IllegalArgumentException("stevedore.node.eviction-max-pod-grace-period must not be negative, got "
					+ evictionMaxPodGracePeriod);
		}
		NodeAllocatable.parseReserved("stevedore.node.system-reserved", systemReserved);
		NodeAllocatable.parseReserved("stevedore.node.kube-reserved", kubeReserved);
		if (evictionPressureTransitionPeriod == null || evictionPressureTransitionPeriod.isNegative()) {
			throw new IllegalArgumentException("stevedore.node.eviction-pressure-transition-period must not be "
					+ "negative, got " + evictionPressureTransitionPeriod);
		}
		positive("stevedore.node.crash-loop-back-off-initial", crashLoopBackOffInitial);
		positive("stevedore.node.crash-loop-back-off-max", crashLoopBackOffMax);
		if (crashLoopBackOffMax.compareTo(crashLoopBackOffInitial) < 0) {
			throw new IllegalArgumentException("stevedore.node.crash-loop-back-off-max (" + crashLoopBackOffMax
					+ ") must not be below stevedore.node.crash-loop-back-off-initial (" + crashLoopBackOffInitial
					+ ")");
		}
		if (nodeLeaseRenewInterval.compareTo(nodeLeaseDuration) >= 0) {
			throw new IllegalArgumentException("stevedore.node.node-lease-renew-interval (" + nodeLeaseRenewInterval
					+ ") must be shorter than stevedore.node.node-lease-duration (" + nodeLeaseDuration + ")");
		}
		if (endpointRemovalTimeout == null || endpointRemovalTimeout.isNegative()) {
			throw new IllegalArgumentException(
					"stevedore.node.endpoint-removal-timeout must not be negative, got " + endpointRemovalTimeout);
		}
		for (String server : clusterDns) {
			if (!server.matches("[0-9.]+|[0-9a-fA-F:]+")) {
				throw new IllegalArgumentException(
						"stevedore.node.cluster-dns must list IP addresses, got \"" + server + "\"");
			}
		}
		RuntimeLabels.checkClusterName(clusterName);
		if (!runtime.equals("docker") && !runtime.equals("simulated")) {
			throw new IllegalArgumentException(
					"stevedore.node.runtime must be \"docker\" or \"simulated\", got \"" + runtime + "\"");
		}
		if (workers < 1) {
			throw new IllegalArgumentException("stevedore.node.workers must be at least 1, got " + workers);
		}
		if (maxPods < 1) {
			throw new IllegalArgumentException("stevedore.node.max-pods must be at least 1, got " + maxPods);
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("stevedore.node.port must be 1-65535, got " + port);
		}
		if (!cgroupRoot.isEmpty() && (!cgroupRoot.startsWith("/") || cgroupRoot.contains("..")
				|| cgroupRoot.endsWith("/") || cgroupRoot.contains("//"))) {
			throw new IllegalArgumentException(
					"stevedore.node.cgroup-root must be an absolute cgroup path like /stevedore/node-1/kubepods, got \""
							+ cgroupRoot + "\"");
		}
		if (sandboxCommand == null || sandboxCommand.isEmpty()) {
			throw new IllegalArgumentException("stevedore.node.sandbox-command must not be empty");
		}
	}

	private static void positive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(property + " must be a positive duration, got " + value);
		}
	}

}
