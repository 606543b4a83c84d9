package io.stevedore.scheduler.core;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.stevedore.scheduler.cache.SchedulerCache;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.queue.SchedulingQueue;

/**
 * Turns informer notifications into queue and cache changes, as kube-scheduler's
 * {@code addAllEventHandlers}:
 * <ul>
 * <li>an unassigned pod of one of our profiles goes to (or is updated in) the queue;</li>
 * <li>an assigned, non-terminal pod is counted in the cache (confirming our own
 * assumption when we placed it);</li>
 * <li>whatever may free room or add room (a pod deleted or finished, a node added or
 * changed in a way the filters read, a pod placed by someone else) moves the
 * unschedulable pods back for another try.</li>
 * </ul>
 * Threading: fabric8 calls each handler on its informer's thread; queue and cache are
 * thread-safe.
 */
public final class ClusterEventHandlers {

	private final SchedulingQueue queue;

	private final SchedulerCache cache;

	private final Set<String> schedulerNames;

	private final Function<Pod, Integer> classPriority;

	/**
	 * @param classPriority the value of a pod's PriorityClass (or of the global default
	 * class), for pods whose {@code spec.priority} no admission filled in
	 */
	public ClusterEventHandlers(SchedulingQueue queue, SchedulerCache cache, Set<String> schedulerNames,
			Function<Pod, Integer> classPriority) {
		this.queue = queue;
		this.cache = cache;
		this.schedulerNames = schedulerNames;
		this.classPriority = classPriority;
	}

	private PodInfo info(Pod pod) {
		return PodInfo.of(pod, pod.getSpec().getPriority() == null ? this.classPriority.apply(pod) : null);
	}

	public ResourceEventHandler<Pod> pods() {
		return new ResourceEventHandler<>() {
			@Override
			public void onAdd(Pod pod) {
				podChanged(pod);
			}

			@Override
			public void onUpdate(Pod oldPod, Pod newPod) {
				if (!assigned(newPod) && !terminal(newPod) && !podUpdated(oldPod, newPod)) {
					// Our own PodScheduled condition comes back as an update: ignoring
					// status-only changes keeps an unschedulable pod from retrying in a
					// loop.
					return;
				}
				podChanged(newPod);
			}

			@Override
			public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
				podDeleted(pod);
			}
		};
	}

	public ResourceEventHandler<Node> nodes() {
		return new ResourceEventHandler<>() {
			@Override
			public void onAdd(Node node) {
				ClusterEventHandlers.this.cache.addOrUpdateNode(node);
				ClusterEventHandlers.this.queue.moveAllToActiveOrBackoff();
			}

			@Override
			public void onUpdate(Node oldNode, Node newNode) {
				ClusterEventHandlers.this.cache.addOrUpdateNode(newNode);
				if (schedulingRelevantChange(oldNode, newNode)) {
					ClusterEventHandlers.this.queue.moveAllToActiveOrBackoff();
				}
			}

			@Override
			public void onDelete(Node node, boolean deletedFinalStateUnknown) {
				ClusterEventHandlers.this.cache.removeNode(node.getMetadata().getName());
			}
		};
	}

	/**
	 * A PriorityClass made or changed after pods naming it (or, for a global default,
	 * naming none) were queued: those still waiting get its value and another try. With
	 * Kubernetes' Priority admission the value is in the pod from its creation; without
	 * it, the class's watch may simply deliver after the pod's, and a pod taken for
	 * priority 0 would never preempt.
	 */
	public ResourceEventHandler<PriorityClass> priorityClasses(Supplier<Collection<Pod>> pods) {
		return new ResourceEventHandler<>() {
			@Override
			public void onAdd(PriorityClass priorityClass) {
				reresolve(priorityClass, pods.get());
			}

			@Override
			public void onUpdate(PriorityClass oldClass, PriorityClass newClass) {
				if (!Objects.equals(oldClass.getValue(), newClass.getValue())
						|| !Objects.equals(oldClass.getGlobalDefault(), newClass.getGlobalDefault())) {
					reresolve(newClass, pods.get());
				}
			}

			@Override
			public void onDelete(PriorityClass priorityClass, boolean deletedFinalStateUnknown) {
				// Kubernetes keeps a created pod's priority when its class goes.
			}
		};
	}

	void reresolve(PriorityClass priorityClass, Collection<Pod> pods) {
		String name = priorityClass.getMetadata().getName();
		boolean globalDefault = Boolean.TRUE.equals(priorityClass.getGlobalDefault());
		for (Pod pod : pods) {
			String named = pod.getSpec().getPriorityClassName();
			boolean concerned = (named == null || named.isEmpty()) ? globalDefault : named.equals(name);
			if (concerned && pod.getSpec().getPriority() == null && !assigned(pod) && !terminal(pod)) {
				podChanged(pod);
			}
		}
	}

	void podChanged(Pod pod) {
		String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
		if (terminal(pod)) {
			this.queue.delete(key);
			this.cache.removePod(pod.getMetadata().getUid());
			this.queue.moveAllToActiveOrBackoff();
			return;
		}
		if (assigned(pod)) {
			this.queue.delete(key);
			boolean ours = this.cache.isAssumed(pod.getMetadata().getUid());
			boolean known = this.cache.nodeOf(pod.getMetadata().getUid()) != null;
			this.cache.addOrUpdatePod(info(pod));
			if (!ours && !known) {
				// Placed by someone else: pods waiting on affinity to it may fit now.
				this.queue.moveAllToActiveOrBackoff();
			}
			return;
		}
		if (pod.getMetadata().getDeletionTimestamp() != null
				|| !this.schedulerNames.contains(Scheduler.schedulerName(pod))) {
			this.queue.delete(key);
			return;
		}
		this.queue.update(info(pod));
	}

	void podDeleted(Pod pod) {
		String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
		this.queue.delete(key);
		if (this.cache.nodeOf(pod.getMetadata().getUid()) != null) {
			this.cache.removePod(pod.getMetadata().getUid());
			this.queue.moveAllToActiveOrBackoff();
		}
	}

	/** Kubernetes' {@code isPodUpdated}: anything but status and bookkeeping metadata. */
	static boolean podUpdated(Pod oldPod, Pod newPod) {
		return !Objects.equals(oldPod.getSpec(), newPod.getSpec())
				|| !Objects.equals(oldPod.getMetadata().getLabels(), newPod.getMetadata().getLabels())
				|| !Objects.equals(oldPod.getMetadata().getAnnotations(), newPod.getMetadata().getAnnotations())
				|| !Objects.equals(oldPod.getMetadata().getDeletionTimestamp(),
						newPod.getMetadata().getDeletionTimestamp());
	}

	/** Heartbeats change the status all the time; only what the filters read matters. */
	static boolean schedulingRelevantChange(Node oldNode, Node newNode) {
		return !Objects.equals(oldNode.getSpec(), newNode.getSpec())
				|| !Objects.equals(oldNode.getMetadata().getLabels(), newNode.getMetadata().getLabels())
				|| !Objects.equals(oldNode.getStatus() == null ? null : oldNode.getStatus().getAllocatable(),
						newNode.getStatus() == null ? null : newNode.getStatus().getAllocatable());
	}

	private static boolean assigned(Pod pod) {
		return pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty();
	}

	private static boolean terminal(Pod pod) {
		String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
		return "Succeeded".equals(phase) || "Failed".equals(phase);
	}

}
