package io.stevedore.scheduler.cache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import io.fabric8.kubernetes.api.model.Node;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.NodeSnapshot;
import io.stevedore.scheduler.framework.PodInfo;

/**
 * Nodes and the pods placed on them, including assumed pods: a pod the scheduler chose a
 * node for counts on that node from that moment, before its bind completes, so the next
 * cycle does not give the same room away. When the informer then sees the pod bound the
 * assumption is confirmed; when the bind fails the pod is forgotten. Kubernetes'
 * {@code internal/cache}.
 * <p>
 * Threading: informer threads and the scheduling and binding threads all call in; one
 * lock guards everything. Cycles read {@link #updateSnapshot} clones, never these
 * objects.
 */
public final class SchedulerCache {

	private final ReentrantLock lock = new ReentrantLock();

	private final Map<String, NodeInfo> nodes = new HashMap<>();

	private final Map<String, PodState> pods = new HashMap<>();

	/**
	 * Node names in the order of their last change, each with the generation it changed
	 * to ({@link #REMOVED} once gone): Kubernetes' generation-ordered node list, so a
	 * snapshot refresh walks back from the newest change and stops at the first node it
	 * already holds, instead of visiting every node each cycle. A removed name stays
	 * until it is added again (one small entry per node name ever removed).
	 */
	private final LinkedHashMap<String, Long> changes = new LinkedHashMap<>();

	private static final long REMOVED = -1;

	private record PodState(PodInfo pod, String node, boolean assumed) {
	}

	public void addOrUpdateNode(Node node) {
		this.lock.lock();
		try {
			String name = node.getMetadata().getName();
			this.nodes.computeIfAbsent(name, NodeInfo::new).setNode(node);
			recordChange(name);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Pods still on a removed node keep counting (a placeholder) until they go too. */
	public void removeNode(String name) {
		this.lock.lock();
		try {
			NodeInfo info = this.nodes.get(name);
			if (info == null) {
				return;
			}
			if (info.pods().isEmpty()) {
				this.nodes.remove(name);
			}
			else {
				info.clearNode();
			}
			recordChange(name);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Counts the pod on {@code nodeName} before it is bound.
	 * @throws IllegalStateException if the pod is already in the cache
	 */
	public void assume(PodInfo pod, String nodeName) {
		this.lock.lock();
		try {
			if (this.pods.containsKey(pod.uid())) {
				throw new IllegalStateException(
						"pod " + pod.key() + " (uid " + pod.uid() + ") is already in the cache");
			}
			place(pod, nodeName);
			this.pods.put(pod.uid(), new PodState(pod, nodeName, true));
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The bind failed: the assumed pod stops counting. No-op once the pod was confirmed.
	 */
	public void forget(PodInfo pod) {
		this.lock.lock();
		try {
			PodState state = this.pods.get(pod.uid());
			if (state != null && state.assumed()) {
				this.pods.remove(pod.uid());
				unplace(pod.uid(), state.node());
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/** A pod the informer saw bound to a node: confirms an assumption or adds it. */
	public void addOrUpdatePod(PodInfo pod) {
		this.lock.lock();
		try {
			PodState previous = this.pods.remove(pod.uid());
			if (previous != null) {
				unplace(pod.uid(), previous.node());
			}
			place(pod, pod.nodeName());
			this.pods.put(pod.uid(), new PodState(pod, pod.nodeName(), false));
		}
		finally {
			this.lock.unlock();
		}
	}

	public void removePod(String uid) {
		this.lock.lock();
		try {
			PodState previous = this.pods.remove(uid);
			if (previous != null) {
				unplace(uid, previous.node());
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	public boolean isAssumed(String uid) {
		this.lock.lock();
		try {
			PodState state = this.pods.get(uid);
			return state != null && state.assumed();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The node the cache counts the pod on, or null. */
	public String nodeOf(String uid) {
		this.lock.lock();
		try {
			PodState state = this.pods.get(uid);
			return state == null ? null : state.node();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void place(PodInfo pod, String nodeName) {
		this.nodes.computeIfAbsent(nodeName, NodeInfo::new).addPod(pod);
		recordChange(nodeName);
	}

	private void unplace(String uid, String nodeName) {
		NodeInfo info = this.nodes.get(nodeName);
		if (info != null) {
			info.removePod(uid);
			if (info.node() == null && info.pods().isEmpty()) {
				this.nodes.remove(nodeName);
			}
			recordChange(nodeName);
		}
	}

	/**
	 * Moves the node to the newest end of {@link #changes} if its generation moved. A
	 * call that changed nothing must not move it: the refresh stops at the first node the
	 * snapshot holds, and a moved but unchanged node would hide older changes behind it.
	 */
	private void recordChange(String name) {
		NodeInfo info = this.nodes.get(name);
		long generation = info == null ? REMOVED : info.generation();
		Long recorded = this.changes.get(name);
		if (recorded == null || recorded != generation) {
			this.changes.putLast(name, generation);
		}
	}

	/**
	 * Brings the snapshot up to date, cloning only nodes whose generation moved since the
	 * last call, found by walking {@link #changes} back from the newest: with one pod
	 * placed per cycle that is one clone and a step or two, not a visit to every node.
	 * @return whether anything changed
	 */
	public boolean updateSnapshot(NodeSnapshot snapshot) {
		this.lock.lock();
		try {
			boolean changed = false;
			for (Map.Entry<String, Long> change : this.changes.sequencedEntrySet().reversed()) {
				String name = change.getKey();
				long generation = change.getValue();
				if (generation == REMOVED) {
					if (snapshot.generationOf(name) != -1) {
						snapshot.remove(name);
						changed = true;
					}
					continue;
				}
				if (snapshot.generationOf(name) == generation) {
					// Changed after everything before it: the snapshot has those too.
					break;
				}
				snapshot.put(this.nodes.get(name).copy());
				changed = true;
			}
			if (snapshot.names().size() != this.nodes.size()) {
				// Cannot happen while every change is recorded; if one is missed the
				// snapshot is made whole rather than left wrong.
				changed |= fullRefresh(snapshot);
			}
			if (changed) {
				snapshot.rebuildLists();
			}
			return changed;
		}
		finally {
			this.lock.unlock();
		}
	}

	private boolean fullRefresh(NodeSnapshot snapshot) {
		boolean changed = false;
		for (NodeInfo info : this.nodes.values()) {
			if (snapshot.generationOf(info.name()) != info.generation()) {
				snapshot.put(info.copy());
				changed = true;
			}
		}
		for (String name : new ArrayList<>(snapshot.names())) {
			if (!this.nodes.containsKey(name)) {
				snapshot.remove(name);
				changed = true;
			}
		}
		return changed;
	}

	public int nodeCount() {
		this.lock.lock();
		try {
			return (int) this.nodes.values().stream().filter((n) -> n.node() != null).count();
		}
		finally {
			this.lock.unlock();
		}
	}

	public int podCount() {
		this.lock.lock();
		try {
			return this.pods.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** A copy of what the cache counts on the node, for tests and debugging. */
	public NodeInfo node(String name) {
		this.lock.lock();
		try {
			NodeInfo info = this.nodes.get(name);
			return info == null ? null : info.copy();
		}
		finally {
			this.lock.unlock();
		}
	}

}
