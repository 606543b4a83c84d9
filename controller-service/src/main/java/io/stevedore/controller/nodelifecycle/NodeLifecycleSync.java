package io.stevedore.controller.nodelifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.workload.PodStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' {@code monitorNodeHealth}, one pass over every node each monitor period
 * (the work queue holds the single key {@link #KEY}):
 * <ol>
 * <li>health: a node's Lease renewal is noted with our own clock (remote clocks are not
 * trusted); a node silent for longer than the grace period gets Ready=Unknown, one that
 * renews again gets Ready back; when the controller takes Ready from True, the Node gets
 * the event {@code NodeNotReady}; every pod on a node whose Ready is not True loses its
 * own Ready (Kubernetes' {@code MarkPodsNotReady}, with a {@code NodeNotReady} event on
 * the pod), so Services stop sending to it before the eviction;</li>
 * <li>taints: unreachable (Ready=Unknown) or not-ready (Ready=False), NoSchedule at once,
 * NoExecute through the zone's rate limiter (mass-failure protection); removed when Ready
 * is True; NoSchedule memory-, disk-, pid-pressure and network-unavailable while that
 * condition is True, and unschedulable while the node is cordoned (taint-nodes-by-
 * condition);</li>
 * <li>eviction: pods on NoExecute-tainted nodes are deleted when their toleration runs
 * out, with the event {@code TaintManagerEviction} and the condition
 * {@code DisruptionTarget}.</li>
 * </ol>
 * Threading: one worker; the health table is confined to it.
 */
final class NodeLifecycleSync implements Reconciler {

	static final String KEY = "nodes";

	static final String ZONE_LABEL = "topology.kubernetes.io/zone";

	private static final Logger log = LoggerFactory.getLogger(NodeLifecycleSync.class);

	private static final Duration EVICTED_MEMORY = Duration.ofMinutes(1);

	/**
	 * What was last seen of a node's heartbeat, and when by our clock.
	 *
	 * @param postedReady the heartbeat of a Ready=True the node itself posted, or null
	 * @param renewed whether it changed since this controller first saw the node: a node
	 * first seen after a restart is given a grace period but is not yet proven alive
	 */
	private record Health(String renewTime, String postedReady, Instant probedAt, boolean renewed) {
	}

	private final Supplier<List<Node>> nodes;

	/** The node's Lease in kube-node-lease, by node name. */
	private final Function<String, Lease> leases;

	private final Function<String, List<Pod>> podsOnNode;

	private final NodeLifecycleControl control;

	private final NodeLifecycleSettings settings;

	private final Clock clock;

	private final Map<String, Health> health = new HashMap<>();

	private final Map<String, TokenBucket> zoneLimiters = new HashMap<>();

	/**
	 * Pods deleted by this controller, by uid, and when: the pod informer may still show
	 * one without its deletionTimestamp on the next pass (a pod without a toleration goes
	 * in the pass right after the taint, and the taint's own write triggers the next
	 * pass), which would delete it and announce it twice.
	 */
	private final Map<String, Instant> evicted = new HashMap<>();

	NodeLifecycleSync(Supplier<List<Node>> nodes, Function<String, Lease> leases,
			Function<String, List<Pod>> podsOnNode, NodeLifecycleControl control, NodeLifecycleSettings settings,
			Clock clock) {
		this.nodes = nodes;
		this.leases = leases;
		this.podsOnNode = podsOnNode;
		this.control = control;
		this.settings = settings;
		this.clock = clock;
	}

	@Override
	public Result reconcile(String key) {
		Instant now = this.clock.instant();
		List<Node> current = new ArrayList<>();
		Set<String> names = new HashSet<>();
		for (Node cached : this.nodes.get()) {
			names.add(cached.getMetadata().getName());
			// Copied only when changed: a full copy of every node each pass was most of
			// this controller's time with 1,000 nodes.
			Node node = updateHealth(cached, now);
			current.add(node);
			markPodsNotReady(cached, node, now);
		}
		for (String gone : List.copyOf(this.health.keySet())) {
			if (!names.contains(gone)) {
				this.health.remove(gone);
				Node stub = new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata()
					.withName(gone)
					.withUid(gone)
					.endMetadata()
					.build();
				this.control.event(stub, "Normal", "RemovingNode",
						"Node " + gone + " event: Removing Node " + gone + " from Controller");
			}
		}

		Map<String, ZoneState> zones = zoneStates(current);
		Map<String, Integer> zoneSizes = new HashMap<>();
		current.forEach((node) -> zoneSizes.merge(zoneOf(node), 1, Integer::sum));
		boolean allZonesDown = !zones.isEmpty()
				&& zones.values().stream().allMatch(z -> z == ZoneState.FULL_DISRUPTION);
		if (allZonesDown) {
			log.warn("every zone is fully disrupted, not evicting: the control plane may have lost the nodes zones={}",
					zones.keySet());
		}
		// Long enough for the informer to show the deletion; a pod still shown without
		// one after that (its delete lost) is evicted again.
		this.evicted.values().removeIf((at) -> at.isBefore(now.minus(EVICTED_MEMORY)));
		Duration next = this.settings.monitorPeriod();
		for (Node node : current) {
			String zone = zoneOf(node);
			Node tainted = updateTaints(node, zones.get(zone), allZonesDown, zoneSizes.get(zone), now);
			Duration eviction = evictPods(tainted, now);
			if (eviction != null && eviction.compareTo(next) < 0) {
				next = eviction;
			}
		}
		return Result.requeueAfter(next);
	}

	/**
	 * Step 1: the Ready condition from the Lease.
	 * @param node as cached: copied before it is changed
	 */
	private Node updateHealth(Node node, Instant now) {
		String name = node.getMetadata().getName();
		String renew = heartbeat(node);
		String posted = postedReady(node);
		Health seen = this.health.get(name);
		if (seen == null) {
			// A node first seen gets a full grace period, as in Kubernetes.
			seen = new Health(renew, posted, now, false);
			this.health.put(name, seen);
			this.control.event(node, "Normal", "RegisteredNode",
					"Node " + name + " event: Registered Node " + name + " in Controller");
		}
		else if (!Objects.equals(seen.renewTime(), renew) || (posted != null && !posted.equals(seen.postedReady()))) {
			// A Ready the node posts is a sign of life too (Kubernetes' probe timestamp
			// moves with the Ready heartbeat as with the Lease): a restarted agent posts
			// Ready before this controller sees its Lease renewed, and marking it Unknown
			// again then flipped it back for a while.
			seen = new Health(renew, posted, now, true);
			this.health.put(name, seen);
		}
		boolean silent = Duration.between(seen.probedAt(), now).compareTo(this.settings.gracePeriod()) > 0;
		if (silent && (NodeConditions.ready(node) == null || !"Unknown".equals(NodeConditions.readyStatus(node)))) {
			Node copy = Serialization.clone(node);
			NodeConditions.markUnknown(copy, now);
			log.info("node stopped renewing its lease, ready unknown node={} lastRenew={}", name, renew);
			return this.control.updateStatus(copy);
		}
		if (!silent && seen.renewed() && NodeConditions.markedUnknownByUs(node) && renewedSinceMarked(node, seen)) {
			Node copy = Serialization.clone(node);
			NodeConditions.markReady(copy, now);
			log.info("node renews its lease again, ready node={}", name);
			return this.control.updateStatus(copy);
		}
		return node;
	}

	/**
	 * Kubernetes' {@code MarkPodsNotReady}: a node whose Ready is not True (the
	 * controller's Unknown, or a False its agent posted) vouches for none of its pods.
	 * Checked on every pass, as Kubernetes checks each pod event: a pod still Ready=True
	 * there is marked, once its write shows in the cache it is left alone.
	 * @param cached the node as it was before this pass
	 * @param node the node after this pass's health update
	 */
	private void markPodsNotReady(Node cached, Node node, Instant now) {
		if (NodeConditions.ready(node) == null || "True".equals(NodeConditions.readyStatus(node))) {
			return;
		}
		String name = node.getMetadata().getName();
		if ("True".equals(NodeConditions.readyStatus(cached))) {
			this.control.event(node, "Normal", "NodeNotReady", "Node " + name + " status is now: NodeNotReady");
		}
		for (Pod pod : this.podsOnNode.apply(name)) {
			if (isReady(pod)) {
				log.info("pod on a node that is not ready, marking it not ready ns={} pod={} node={}",
						pod.getMetadata().getNamespace(), pod.getMetadata().getName(), name);
				this.control.markPodNotReady(pod, now);
				this.control.event(pod, "Warning", "NodeNotReady", "Node is not ready");
			}
		}
	}

	private static boolean isReady(Pod pod) {
		PodCondition ready = PodStates.readyCondition(pod);
		return ready != null && "True".equals(ready.getStatus());
	}

	/** The Lease renewal seen after the node was marked Unknown, so not a stale one. */
	private static boolean renewedSinceMarked(Node node, Health seen) {
		NodeCondition ready = NodeConditions.ready(node);
		return ready.getLastTransitionTime() == null
				|| !seen.probedAt().isBefore(Instant.parse(ready.getLastTransitionTime()));
	}

	/**
	 * The heartbeat of the node's Ready=True, which only the node itself writes (this
	 * controller's Ready keeps the condition's heartbeat), or null.
	 */
	private static String postedReady(Node node) {
		NodeCondition ready = NodeConditions.ready(node);
		return ready == null || !"True".equals(ready.getStatus()) ? null : ready.getLastHeartbeatTime();
	}

	/**
	 * The Lease's renewTime, or the Ready condition's heartbeat for a node without one.
	 */
	private String heartbeat(Node node) {
		Lease lease = this.leases.apply(node.getMetadata().getName());
		if (lease != null && lease.getSpec() != null && lease.getSpec().getRenewTime() != null) {
			return lease.getSpec().getRenewTime().toString();
		}
		NodeCondition ready = NodeConditions.ready(node);
		return ready == null ? null : ready.getLastHeartbeatTime();
	}

	/**
	 * Step 2: taints follow Ready; NoExecute only as the zone's state and rate allow.
	 * @param node as cached, or as just written: copied before it is changed
	 */
	private Node updateTaints(Node node, ZoneState zone, boolean allZonesDown, int zoneSize, Instant now) {
		// A node that never reported has no taint until the grace period marks it
		// Unknown.
		String wantedKey = NodeConditions.ready(node) == null ? null
				: NodeTaints.keyFor(NodeConditions.readyStatus(node));
		List<Taint> taints = new ArrayList<>(NodeTaints.of(node));
		List<Taint> before = List.copyOf(taints);
		// A taint for a Ready status the node no longer has goes (unreachable ->
		// not-ready too).
		taints.removeIf(t -> NodeTaints.isOurs(t) && !t.getKey().equals(wantedKey));
		if (wantedKey != null) {
			if (!NodeTaints.has(node, wantedKey, NodeTaints.NO_SCHEDULE)) {
				taints.add(new Taint(NodeTaints.NO_SCHEDULE, wantedKey, null, null));
			}
			boolean hasNoExecute = NodeTaints.has(node, wantedKey, NodeTaints.NO_EXECUTE);
			if (allZonesDown) {
				taints.removeIf(t -> NodeTaints.isOurs(t) && NodeTaints.NO_EXECUTE.equals(t.getEffect()));
			}
			else if (!hasNoExecute && limiter(zoneOf(node), zone, zoneSize).tryAcquire()) {
				taints.add(new Taint(NodeTaints.NO_EXECUTE, wantedKey, now.toString(), null));
				log.info("tainting node NoExecute node={} taint={} zoneState={}", node.getMetadata().getName(),
						wantedKey, zone);
			}
		}
		Set<String> byCondition = NodeTaints.byCondition(node);
		taints.removeIf(t -> NodeTaints.isByCondition(t) && !byCondition.contains(t.getKey()));
		for (String key : byCondition) {
			if (taints.stream()
				.noneMatch(t -> key.equals(t.getKey()) && NodeTaints.NO_SCHEDULE.equals(t.getEffect()))) {
				taints.add(new Taint(NodeTaints.NO_SCHEDULE, key, null, null));
			}
		}
		if (taints.equals(before)) {
			return node;
		}
		Node copy = Serialization.clone(node);
		if (copy.getSpec() == null) {
			copy.setSpec(new NodeSpec());
		}
		copy.getSpec().setTaints(taints);
		return this.control.update(copy);
	}

	private TokenBucket limiter(String zone, ZoneState state, int zoneSize) {
		double rate = switch (state) {
			case PARTIAL_DISRUPTION ->
				zoneSize > this.settings.largeClusterThreshold() ? this.settings.secondaryEvictionRate() : 0;
			default -> this.settings.evictionRate();
		};
		TokenBucket bucket = this.zoneLimiters.computeIfAbsent(zone, (z) -> new TokenBucket(this.clock, rate));
		bucket.setRate(rate);
		return bucket;
	}

	/** Step 3: delete the pods whose toleration ran out; when the next one is due. */
	private Duration evictPods(Node node, Instant now) {
		List<Taint> noExecute = NodeTaints.of(node)
			.stream()
			.filter(t -> NodeTaints.NO_EXECUTE.equals(t.getEffect()))
			.toList();
		if (noExecute.isEmpty()) {
			return null;
		}
		Duration next = null;
		for (Pod pod : this.podsOnNode.apply(node.getMetadata().getName())) {
			if (pod.getMetadata().getDeletionTimestamp() != null || this.evicted.containsKey(uid(pod))) {
				continue;
			}
			Instant at = TaintEviction.evictAt(pod, noExecute, now);
			if (at == null) {
				continue;
			}
			if (!now.isBefore(at)) {
				log.info("evicting pod from tainted node ns={} pod={} node={}", pod.getMetadata().getNamespace(),
						pod.getMetadata().getName(), node.getMetadata().getName());
				this.control.event(pod, "Normal", "TaintManagerEviction", "Marking for deletion Pod "
						+ pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());
				this.control.deletePod(pod);
				this.evicted.put(uid(pod), now);
			}
			else {
				Duration wait = Duration.between(now, at);
				next = next == null || wait.compareTo(next) < 0 ? wait : next;
			}
		}
		return next;
	}

	private Map<String, ZoneState> zoneStates(List<Node> nodes) {
		Map<String, int[]> counts = new HashMap<>();
		for (Node node : nodes) {
			int[] readyAndNot = counts.computeIfAbsent(zoneOf(node), (z) -> new int[2]);
			readyAndNot["True".equals(NodeConditions.readyStatus(node)) ? 0 : 1]++;
		}
		Map<String, ZoneState> states = new HashMap<>();
		counts.forEach((zone, c) -> states.put(zone, ZoneState.of(c[0], c[1], this.settings.unhealthyZoneThreshold())));
		return states;
	}

	/** The uid, else namespace/name (objects made in tests may have none). */
	private static String uid(Pod pod) {
		String uid = pod.getMetadata().getUid();
		return uid != null ? uid : pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
	}

	private static String zoneOf(Node node) {
		Map<String, String> labels = node.getMetadata().getLabels();
		String zone = labels == null ? null : labels.get(ZONE_LABEL);
		return zone == null ? "" : zone;
	}

}
