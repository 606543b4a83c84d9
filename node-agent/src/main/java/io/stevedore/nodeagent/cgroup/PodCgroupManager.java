package io.stevedore.nodeagent.cgroup;

import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.nodeagent.pod.ContainerResources;
import io.stevedore.nodeagent.pod.PodCgroups;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pod cgroups under the node's QoS cgroups: {@code pod<uid>} in its QoS class's parent,
 * with the pod's limits, made before the sandbox and removed once the containers are gone
 * (the kubelet's pod container manager). Burstable's shares follow the pods that come and
 * go.
 * <p>
 * Threading: pod workers and housekeeping call it at once; the changes are serialised, so
 * the QoS shares are always written from one consistent view.
 */
public final class PodCgroupManager implements PodCgroups {

	private static final Logger log = LoggerFactory.getLogger(PodCgroupManager.class);

	private static final String PREFIX = "pod";

	private final CgroupManager cgroups;

	private final QosCgroups qos;

	private final Supplier<List<Pod>> pods;

	private final long allocatableMemoryBytes;

	/**
	 * @param pods the pods bound to this node (the informer's cache)
	 * @param allocatableMemoryBytes the root cgroup's memory limit
	 */
	PodCgroupManager(CgroupManager cgroups, QosCgroups qos, Supplier<List<Pod>> pods, long allocatableMemoryBytes) {
		this.cgroups = cgroups;
		this.qos = qos;
		this.pods = pods;
		this.allocatableMemoryBytes = allocatableMemoryBytes;
	}

	/** The pod's cgroup, wherever its QoS class puts it. */
	String path(Pod pod) {
		return this.qos.parentOf(ContainerResources.qosClass(pod)) + "/" + PREFIX + pod.getMetadata().getUid();
	}

	@Override
	public synchronized String ensure(Pod pod) {
		String path = path(pod);
		if (!this.cgroups.exists(path)) {
			this.cgroups.create(path, PodResourceConfig.of(pod));
			log.info("pod cgroup created pod={}/{} cgroup={}", pod.getMetadata().getNamespace(),
					pod.getMetadata().getName(), path);
			this.qos.update(active(pod, null));
		}
		return path;
	}

	@Override
	public synchronized void removed(String podUid) {
		boolean any = false;
		for (String parent : this.qos.parents()) {
			String path = parent + "/" + PREFIX + podUid;
			if (this.cgroups.exists(path)) {
				any = true;
				if (!this.cgroups.remove(path)) {
					log.info("pod cgroup still in use, removed later cgroup={}", path);
				}
			}
		}
		if (any) {
			this.qos.update(active(null, podUid));
		}
	}

	/**
	 * Removes the pod cgroups of pods this node no longer has (deleted while the agent
	 * was down, or whose removal the kernel refused while a process lingered), as the
	 * kubelet's cleanupOrphanedPodCgroups. One that still holds a container stays.
	 */
	public synchronized void removeOrphans() {
		Set<String> known = new HashSet<>();
		this.pods.get().forEach(pod -> known.add(pod.getMetadata().getUid()));
		boolean removed = false;
		for (String parent : this.qos.parents()) {
			for (String child : this.cgroups.children(parent)) {
				if (child.startsWith(PREFIX) && !known.contains(child.substring(PREFIX.length()))
						&& this.cgroups.remove(parent + "/" + child)) {
					log.info("orphaned pod cgroup removed cgroup={}/{}", parent, child);
					removed = true;
				}
			}
		}
		if (removed) {
			this.qos.update(active(null, null));
		}
	}

	/** The memory limit of the pods' root cgroup. */
	public long allocatableMemoryBytes() {
		return this.allocatableMemoryBytes;
	}

	/** The working set of every pod together: the root cgroup's. */
	public OptionalLong podsWorkingSet() {
		return this.cgroups.memoryWorkingSet(this.qos.root());
	}

	/**
	 * The pods that count for the QoS shares: not finished, the one being added included,
	 * the one being removed left out.
	 */
	private List<Pod> active(Pod adding, String removing) {
		List<Pod> active = new java.util.ArrayList<>();
		for (Pod pod : this.pods.get()) {
			String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
			String uid = pod.getMetadata().getUid();
			if (!"Succeeded".equals(phase) && !"Failed".equals(phase) && !uid.equals(removing)
					&& (adding == null || !uid.equals(adding.getMetadata().getUid()))) {
				active.add(pod);
			}
		}
		if (adding != null) {
			active.add(adding);
		}
		return active;
	}

}
