package io.stevedore.nodeagent.node;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.nodeagent.config.NodeIdentity;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.runtime.ImageSummary;
import io.stevedore.nodeagent.runtime.RuntimeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the Node and keeps its status current: recomputed every
 * node-status-update-frequency, written only when something other than a heartbeat time
 * changed, or once per node-status-report-frequency (the kubelet's behaviour since node
 * Leases carry the heartbeat). Records the kubelet's events about its node: Starting once
 * per process, a condition's move once its status is written
 * ({@link NodeConditionEvents}), and NodeSchedulable / NodeNotSchedulable when a cordon
 * comes or goes.
 * <p>
 * Threading: {@link #sync} is called from one scheduler thread.
 */
public final class NodeStatusUpdater {

	private static final Logger log = LoggerFactory.getLogger(NodeStatusUpdater.class);

	private final KubernetesClient client;

	private final ContainerRuntime runtime;

	private final NodeIdentity identity;

	private final NodeStatusFactory factory;

	private final RuntimeHealth health;

	private final Duration reportFrequency;

	private final Clock clock;

	private final Map<String, String> labels;

	private Instant lastReport = Instant.EPOCH;

	private final NodeEventSink events;

	private boolean registered;

	private boolean started;

	/**
	 * The cordon last seen: the kubelet starts from "schedulable", so a cordoned node's
	 * restart tells.
	 */
	private boolean unschedulable;

	public NodeStatusUpdater(KubernetesClient client, ContainerRuntime runtime, NodeIdentity identity,
			NodeStatusFactory factory, RuntimeHealth health, Duration reportFrequency, Clock clock,
			Map<String, String> extraLabels, NodeEventSink events) {
		this.events = events;
		this.client = client;
		this.runtime = runtime;
		this.identity = identity;
		this.factory = factory;
		this.health = health;
		this.reportFrequency = reportFrequency;
		this.clock = clock;
		this.labels = extraLabels;
	}

	/** Registers the node if needed and writes its status when due; never throws. */
	public void sync() {
		try {
			if (!this.registered) {
				register();
			}
			if (!this.started) {
				this.events.record("Normal", "Starting", "Starting kubelet.");
				this.started = true;
			}
			updateStatus();
		}
		catch (RuntimeException ex) {
			log.warn("node status sync failed node={} error=\"{}\"", this.identity.name(), ex.toString());
		}
	}

	public boolean registered() {
		return this.registered;
	}

	private void register() {
		Node existing = this.client.nodes().withName(this.identity.name()).get();
		if (existing == null) {
			RuntimeInfo info = runtimeInfo();
			Map<String, String> nodeLabels = new java.util.LinkedHashMap<>();
			nodeLabels.put("kubernetes.io/hostname", this.identity.name());
			nodeLabels.put("kubernetes.io/os", info == null ? "linux" : info.os());
			nodeLabels.put("kubernetes.io/arch", info == null ? "amd64" : info.architecture());
			nodeLabels.put("beta.kubernetes.io/os", info == null ? "linux" : info.os());
			nodeLabels.put("beta.kubernetes.io/arch", info == null ? "amd64" : info.architecture());
			nodeLabels.putAll(this.labels);
			Node node = new NodeBuilder().withNewMetadata()
				.withName(this.identity.name())
				.withLabels(nodeLabels)
				.endMetadata()
				.build();
			try {
				this.client.nodes().resource(node).create();
				log.info("node registered node={} address={}", this.identity.name(), this.identity.address());
			}
			catch (KubernetesClientException ex) {
				if (ex.getCode() != 409) {
					throw ex;
				}
			}
		}
		this.registered = true;
	}

	private void updateStatus() {
		Node node = this.client.nodes().withName(this.identity.name()).get();
		if (node == null) {
			// Deleted under us: the kubelet registers again.
			this.registered = false;
			return;
		}
		recordCordon(node);
		RuntimeInfo info = runtimeInfo();
		List<ImageSummary> images = List.of();
		if (info != null) {
			try {
				images = this.runtime.listImages();
			}
			catch (RuntimeException ex) {
				this.health.failed(ex.getMessage());
			}
		}
		Instant now = this.clock.instant();
		NodeStatus previous = node.getStatus();
		NodeStatus next = this.factory.compute(info, images, this.health.error(), previous, now);
		boolean changed = !Objects.equals(NodeStatusFactory.withoutHeartbeats(previous),
				NodeStatusFactory.withoutHeartbeats(next));
		boolean due = !now.isBefore(this.lastReport.plus(this.reportFrequency));
		if (!changed && !due) {
			return;
		}
		if (!changed) {
			// Report period: every heartbeat moves forward.
			next = this.factory.compute(info, images, this.health.error(), null, now);
			next.setConditions(keepTransitions(next, previous));
		}
		node.setStatus(next);
		this.client.nodes().resource(node).updateStatus();
		this.lastReport = now;
		for (String reason : NodeConditionEvents.between(previous, next)) {
			this.events.record("Normal", reason, "Node " + this.identity.name() + " status is now: " + reason);
		}
		log.debug("node status written node={} changed={}", this.identity.name(), changed);
	}

	private void recordCordon(Node node) {
		boolean now = node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
		if (now != this.unschedulable) {
			String reason = now ? "NodeNotSchedulable" : "NodeSchedulable";
			this.events.record("Normal", reason, "Node " + this.identity.name() + " status is now: " + reason);
			this.unschedulable = now;
		}
	}

	private static List<io.fabric8.kubernetes.api.model.NodeCondition> keepTransitions(NodeStatus next,
			NodeStatus previous) {
		return next.getConditions().stream().map(c -> {
			if (previous == null || previous.getConditions() == null) {
				return c;
			}
			previous.getConditions()
				.stream()
				.filter(p -> p.getType().equals(c.getType()) && p.getStatus().equals(c.getStatus()))
				.findFirst()
				.ifPresent(p -> c.setLastTransitionTime(p.getLastTransitionTime()));
			return c;
		}).toList();
	}

	private RuntimeInfo runtimeInfo() {
		try {
			RuntimeInfo info = this.runtime.info();
			this.health.succeeded();
			return info;
		}
		catch (RuntimeException ex) {
			this.health.failed(ex.getMessage());
			return null;
		}
	}

}
