package io.stevedore.controller.podgc;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' PodGC, one pass over every pod per key ({@link #KEY}), repeated every check
 * period:
 * <ol>
 * <li>terminated pods (Succeeded/Failed) over the threshold are deleted, evicted ones
 * first, then oldest first;</li>
 * <li>pods bound to a Node that has been missing for the quarantine (and that the
 * apiserver confirms is gone) are marked Failed with the condition DisruptionTarget
 * (reason DeletionByPodGC) and force-deleted;</li>
 * <li>terminating pods that were never scheduled are force-deleted (no kubelet will ever
 * finish them);</li>
 * <li>terminating pods on a NotReady Node tainted
 * {@code node.kubernetes.io/out-of-service} are force-deleted (the operator declared the
 * machine gone).</li>
 * </ol>
 * A pod that is not yet terminal is patched to Failed before its deletion, so Job
 * controllers see the failure. One failed write does not stop the pass; the next pass
 * retries.
 */
public final class PodGcSync implements Reconciler {

	public static final String KEY = "podgc";

	static final String OUT_OF_SERVICE_TAINT = "node.kubernetes.io/out-of-service";

	private static final Logger log = LoggerFactory.getLogger(PodGcSync.class);

	private final Supplier<List<Pod>> pods;

	private final Supplier<List<Node>> nodes;

	private final PodGcControl control;

	private final PodGcSettings settings;

	private final Clock clock;

	/** Node name → when a pod was first seen bound to it while it was missing. */
	private final Map<String, Instant> missingSince = new ConcurrentHashMap<>();

	public PodGcSync(Supplier<List<Pod>> pods, Supplier<List<Node>> nodes, PodGcControl control, PodGcSettings settings,
			Clock clock) {
		this.pods = pods;
		this.nodes = nodes;
		this.control = control;
		this.settings = settings;
		this.clock = clock;
	}

	@Override
	public Result reconcile(String key) {
		List<Pod> all = this.pods.get();
		Map<String, Node> nodesByName = new HashMap<>();
		for (Node node : this.nodes.get()) {
			nodesByName.put(node.getMetadata().getName(), node);
		}
		gcTerminated(all);
		gcTerminating(all, nodesByName);
		gcOrphaned(all, nodesByName);
		gcUnscheduledTerminating(all);
		return Result.requeueAfter(this.settings.checkPeriod());
	}

	private void gcTerminated(List<Pod> all) {
		if (this.settings.terminatedPodThreshold() <= 0) {
			return;
		}
		List<Pod> terminated = new ArrayList<>(all.stream().filter(PodGcSync::isTerminated).toList());
		int deleteCount = terminated.size() - this.settings.terminatedPodThreshold();
		if (deleteCount <= 0) {
			return;
		}
		log.info("garbage collecting terminated pods count={}", deleteCount);
		terminated.sort(EVICTED_THEN_OLDEST);
		for (Pod pod : terminated.subList(0, deleteCount)) {
			markFailedAndDelete(pod, null);
		}
	}

	private void gcTerminating(List<Pod> all, Map<String, Node> nodesByName) {
		List<Pod> terminating = new ArrayList<>();
		for (Pod pod : all) {
			if (pod.getMetadata().getDeletionTimestamp() == null || nodeName(pod) == null) {
				continue;
			}
			Node node = nodesByName.get(nodeName(pod));
			if (node != null && !isReady(node) && hasOutOfServiceTaint(node)) {
				terminating.add(pod);
			}
		}
		terminating.sort(EVICTED_THEN_OLDEST);
		for (Pod pod : terminating) {
			markFailedAndDelete(pod, null);
		}
	}

	private void gcOrphaned(List<Pod> all, Map<String, Node> nodesByName) {
		Instant now = this.clock.instant();
		Set<String> missing = new HashSet<>();
		for (Pod pod : all) {
			String node = nodeName(pod);
			if (node != null && !nodesByName.containsKey(node)) {
				missing.add(node);
				this.missingSince.putIfAbsent(node, now);
			}
		}
		// Forget Nodes that came back or whose pods are all gone.
		this.missingSince.keySet().retainAll(missing);
		Set<String> deleted = new HashSet<>();
		for (Map.Entry<String, Instant> entry : this.missingSince.entrySet()) {
			if (entry.getValue().plus(this.settings.quarantine()).isAfter(now)) {
				continue;
			}
			try {
				if (this.control.nodeExists(entry.getKey())) {
					this.missingSince.remove(entry.getKey());
				}
				else {
					deleted.add(entry.getKey());
				}
			}
			catch (KubernetesClientException ex) {
				log.warn("could not check whether node exists node={} error=\"{}\"", entry.getKey(), ex.getMessage());
			}
		}
		if (deleted.isEmpty()) {
			return;
		}
		for (Pod pod : all) {
			if (nodeName(pod) != null && deleted.contains(nodeName(pod))) {
				log.info("found orphaned pod assigned to a deleted node, deleting pod={}/{} node={}",
						pod.getMetadata().getNamespace(), pod.getMetadata().getName(), nodeName(pod));
				markFailedAndDelete(pod,
						new PodConditionBuilder().withType("DisruptionTarget")
							.withStatus("True")
							.withReason("DeletionByPodGC")
							.withMessage("PodGC: node no longer exists")
							.withLastTransitionTime(
									this.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
							.build());
			}
		}
	}

	private void gcUnscheduledTerminating(List<Pod> all) {
		for (Pod pod : all) {
			if (pod.getMetadata().getDeletionTimestamp() != null && nodeName(pod) == null) {
				markFailedAndDelete(pod, null);
			}
		}
	}

	/**
	 * As Kubernetes' markFailedAndDeletePodWithCondition: a pod not yet terminal is set
	 * to Failed (with the condition, when given) before the force delete.
	 */
	private void markFailedAndDelete(Pod pod, PodCondition condition) {
		String name = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
		try {
			if (!isTerminated(pod)) {
				Pod failed = new io.fabric8.kubernetes.api.model.PodBuilder(pod).build();
				if (failed.getStatus() == null) {
					failed.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
				}
				failed.getStatus().setPhase("Failed");
				if (condition != null) {
					List<PodCondition> conditions = new ArrayList<>(failed.getStatus().getConditions() == null
							? List.of() : failed.getStatus().getConditions());
					conditions.removeIf(c -> condition.getType().equals(c.getType()));
					conditions.add(condition);
					failed.getStatus().setConditions(conditions);
				}
				this.control.updateStatus(failed);
			}
			log.info("PodGC is force deleting pod pod={}", name);
			this.control.forceDelete(pod);
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() != 404) {
				// A conflict means the pod changed: the next pass looks at it again.
				log.warn("PodGC could not delete pod pod={} error=\"{}\"", name, ex.getMessage());
			}
		}
	}

	static boolean isTerminated(Pod pod) {
		String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
		return "Succeeded".equals(phase) || "Failed".equals(phase);
	}

	private static boolean isEvicted(Pod pod) {
		return pod.getStatus() != null && "Failed".equals(pod.getStatus().getPhase())
				&& "Evicted".equals(pod.getStatus().getReason());
	}

	private static String nodeName(Pod pod) {
		String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
		return (node == null || node.isEmpty()) ? null : node;
	}

	private static boolean isReady(Node node) {
		return node.getStatus() != null && node.getStatus().getConditions() != null
				&& node.getStatus()
					.getConditions()
					.stream()
					.anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
	}

	private static boolean hasOutOfServiceTaint(Node node) {
		return node.getSpec() != null && node.getSpec().getTaints() != null
				&& node.getSpec().getTaints().stream().anyMatch(t -> OUT_OF_SERVICE_TAINT.equals(t.getKey()));
	}

	/** Evicted pods first, then by creation time, then by name (a stable order). */
	private static final Comparator<Pod> EVICTED_THEN_OLDEST = Comparator.comparing((Pod pod) -> !isEvicted(pod))
		.thenComparing(
				pod -> pod.getMetadata().getCreationTimestamp() == null ? "" : pod.getMetadata().getCreationTimestamp())
		.thenComparing(pod -> pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());

}
