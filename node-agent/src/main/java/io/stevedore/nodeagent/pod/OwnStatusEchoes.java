package io.stevedore.nodeagent.pod;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.stevedore.client.controller.Keys;

/**
 * The pod informer's handler: enqueues a pod's key on every change except the echo of a
 * status this agent wrote itself. Each status write comes back through the watch as an
 * update; syncing on it again cost a listing and an inspect per container of the pod,
 * which in a burst of starts queues behind the engine's work for nothing. The kubelet
 * skips such updates too (a status-only change does not re-sync a pod there).
 * <p>
 * An update counts as an echo only when the spec, labels, annotations, deletion and
 * generation are those of the previous object and the status is exactly the one last
 * written for that uid; anything else (another writer's status included) is enqueued.
 * <p>
 * Threading: {@link #wrote} from the sync workers, the handler methods from the
 * informer's thread.
 */
public final class OwnStatusEchoes implements ResourceEventHandler<Pod> {

	private final Consumer<String> enqueue;

	/** Pod uid to the status last written for it and not echoed yet. */
	private final Map<String, PodStatus> written = new ConcurrentHashMap<>();

	public OwnStatusEchoes(Consumer<String> enqueue) {
		this.enqueue = enqueue;
	}

	/** Records a status this agent has just written. */
	public void wrote(Pod pod, PodStatus status) {
		this.written.put(pod.getMetadata().getUid(), status);
	}

	@Override
	public void onAdd(Pod pod) {
		this.enqueue.accept(Keys.of(pod));
	}

	@Override
	public void onUpdate(Pod before, Pod after) {
		if (isEcho(before, after)) {
			return;
		}
		this.enqueue.accept(Keys.of(after));
	}

	@Override
	public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
		this.written.remove(pod.getMetadata().getUid());
		this.enqueue.accept(Keys.of(pod));
	}

	private boolean isEcho(Pod before, Pod after) {
		ObjectMeta old = before.getMetadata();
		ObjectMeta now = after.getMetadata();
		PodStatus mine = this.written.get(now.getUid());
		if (mine == null || !mine.equals(after.getStatus()) || !Objects.equals(old.getUid(), now.getUid())) {
			return false;
		}
		boolean onlyStatus = Objects.equals(before.getSpec(), after.getSpec())
				&& Objects.equals(old.getLabels(), now.getLabels())
				&& Objects.equals(old.getAnnotations(), now.getAnnotations())
				&& Objects.equals(old.getDeletionTimestamp(), now.getDeletionTimestamp())
				&& Objects.equals(old.getDeletionGracePeriodSeconds(), now.getDeletionGracePeriodSeconds())
				&& Objects.equals(old.getGeneration(), now.getGeneration())
				&& Objects.equals(old.getFinalizers(), now.getFinalizers());
		if (onlyStatus) {
			this.written.remove(now.getUid(), mine);
		}
		return onlyStatus;
	}

}
