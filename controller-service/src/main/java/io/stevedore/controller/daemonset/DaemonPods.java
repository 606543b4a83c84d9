package io.stevedore.controller.daemonset;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.stevedore.controller.workload.ControllerHistory;
import io.stevedore.controller.workload.PodTemplates;
import io.stevedore.controller.workload.Tolerations;

/**
 * A DaemonSet's pod for one node, as Kubernetes makes it: the template plus the default
 * daemon tolerations, pinned to the node by a required node affinity on
 * {@code metadata.name} (not spec.nodeName) so the scheduler still binds it and accounts
 * for its resources.
 */
final class DaemonPods {

	static final String REVISION_HASH = ControllerHistory.HASH_LABEL;

	static final String TEMPLATE_GENERATION = "pod-template-generation";

	private DaemonPods() {
	}

	/** Kubernetes' {@code AddOrUpdateDaemonPodTolerations}. */
	static void addDefaultTolerations(PodSpec spec) {
		List<Toleration> tolerations = spec.getTolerations() == null ? new ArrayList<>()
				: new ArrayList<>(spec.getTolerations());
		add(tolerations, "node.kubernetes.io/not-ready", "NoExecute");
		add(tolerations, "node.kubernetes.io/unreachable", "NoExecute");
		add(tolerations, "node.kubernetes.io/disk-pressure", "NoSchedule");
		add(tolerations, "node.kubernetes.io/memory-pressure", "NoSchedule");
		add(tolerations, "node.kubernetes.io/pid-pressure", "NoSchedule");
		add(tolerations, "node.kubernetes.io/unschedulable", "NoSchedule");
		if (Boolean.TRUE.equals(spec.getHostNetwork())) {
			add(tolerations, "node.kubernetes.io/network-unavailable", "NoSchedule");
		}
		spec.setTolerations(tolerations);
	}

	private static void add(List<Toleration> tolerations, String key, String effect) {
		Toleration wanted = new Toleration(effect, key, "Exists", null, null);
		boolean present = tolerations.stream()
			.anyMatch(t -> key.equals(t.getKey()) && effect.equals(t.getEffect()) && t.getTolerationSeconds() == null
					&& "Exists".equals(t.getOperator()));
		if (!present) {
			tolerations.add(wanted);
		}
	}

	static Pod newPod(DaemonSet daemonSet, String nodeName, String hash) {
		Pod pod = PodTemplates.podFromTemplate(daemonSet.getSpec().getTemplate(), daemonSet);
		pod.getMetadata().setGenerateName(daemonSet.getMetadata().getName() + "-");
		pod.getMetadata().getLabels().put(REVISION_HASH, hash);
		if (daemonSet.getMetadata().getGeneration() != null) {
			pod.getMetadata()
				.getLabels()
				.put(TEMPLATE_GENERATION, Long.toString(daemonSet.getMetadata().getGeneration()));
		}
		addDefaultTolerations(pod.getSpec());
		pinToNode(pod.getSpec(), nodeName);
		return pod;
	}

	/** Kubernetes' {@code ReplaceDaemonSetPodNodeNameNodeAffinity}. */
	static void pinToNode(PodSpec spec, String nodeName) {
		NodeSelectorTerm term = new NodeSelectorTerm();
		term.setMatchFields(new ArrayList<>(
				List.of(new NodeSelectorRequirement("metadata.name", "In", new ArrayList<>(List.of(nodeName))))));
		if (spec.getAffinity() == null) {
			spec.setAffinity(new Affinity());
		}
		if (spec.getAffinity().getNodeAffinity() == null) {
			spec.getAffinity().setNodeAffinity(new NodeAffinity());
		}
		spec.getAffinity()
			.getNodeAffinity()
			.setRequiredDuringSchedulingIgnoredDuringExecution(new NodeSelector(new ArrayList<>(List.of(term))));
	}

	/** The node a daemon pod is for: its nodeName once bound, else the pinned name. */
	static String nodeOf(Pod pod) {
		if (pod.getSpec() == null) {
			return null;
		}
		if (pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty()) {
			return pod.getSpec().getNodeName();
		}
		try {
			for (NodeSelectorTerm term : pod.getSpec()
				.getAffinity()
				.getNodeAffinity()
				.getRequiredDuringSchedulingIgnoredDuringExecution()
				.getNodeSelectorTerms()) {
				for (NodeSelectorRequirement r : term.getMatchFields()) {
					if ("metadata.name".equals(r.getKey()) && "In".equals(r.getOperator())
							&& r.getValues().size() == 1) {
						return r.getValues().get(0);
					}
				}
			}
		}
		catch (NullPointerException ex) {
			// Not pinned.
		}
		return null;
	}

	static boolean tolerates(List<Toleration> tolerations, io.fabric8.kubernetes.api.model.Taint taint) {
		return Tolerations.matching(tolerations, taint) != null;
	}

}
