package io.stevedore.nodeagent.pod;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import io.stevedore.client.controller.Keys;
import io.stevedore.nodeagent.node.RuntimeHealth;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.runtime.ContainerSummary;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's generic PLEG: lists this node's containers every relist period, compares
 * with the previous listing and hands the key of every pod whose containers appeared,
 * disappeared or changed state to the sync queue. A container exit reaches its pod's sync
 * within a period without polling each pod. The first listing reports every pod found,
 * which is how orphans of a previous run are noticed and removed.
 * <p>
 * Threading: {@link #relist} is called from one scheduler thread.
 */
public final class PodLifecycleEventGenerator {

	private static final Logger log = LoggerFactory.getLogger(PodLifecycleEventGenerator.class);

	private final ContainerRuntime runtime;

	private final String nodeName;

	private final Consumer<String> enqueue;

	private final RuntimeHealth health;

	/** Container id to Docker state, from the previous listing; null before the first. */
	private Map<String, String> lastStates;

	/** Container id to pod key, from the previous listing. */
	private Map<String, String> lastKeys = Map.of();

	public PodLifecycleEventGenerator(ContainerRuntime runtime, String nodeName, Consumer<String> enqueue,
			RuntimeHealth health) {
		this.runtime = runtime;
		this.nodeName = nodeName;
		this.enqueue = enqueue;
		this.health = health;
	}

	public void relist() {
		List<ContainerSummary> containers;
		try {
			containers = this.runtime.listContainers(Map.of(RuntimeLabels.NODE, this.nodeName));
			this.health.succeeded();
		}
		catch (RuntimeException ex) {
			if (this.health.error() == null) {
				log.warn("container runtime not reachable node={} error=\"{}\"", this.nodeName, ex.getMessage());
			}
			this.health.failed(ex.getMessage());
			return;
		}
		Map<String, String> states = new HashMap<>();
		Map<String, String> keys = new HashMap<>();
		for (ContainerSummary container : containers) {
			states.put(container.id(), container.state());
			keys.put(container.id(), Keys.of(container.labels().getOrDefault(RuntimeLabels.POD_NAMESPACE, ""),
					container.labels().getOrDefault(RuntimeLabels.POD_NAME, "")));
		}
		Set<String> changed = new HashSet<>();
		if (this.lastStates == null) {
			changed.addAll(keys.values());
		}
		else {
			for (Map.Entry<String, String> entry : states.entrySet()) {
				if (!entry.getValue().equals(this.lastStates.get(entry.getKey()))) {
					changed.add(keys.get(entry.getKey()));
				}
			}
			for (String gone : this.lastStates.keySet()) {
				if (!states.containsKey(gone) && this.lastKeys.containsKey(gone)) {
					changed.add(this.lastKeys.get(gone));
				}
			}
		}
		this.lastStates = states;
		this.lastKeys = keys;
		changed.stream().filter(k -> !k.isEmpty() && !k.equals("/")).forEach(this.enqueue);
	}

}
