package io.stevedore.controller.workload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * A {@link RevisionWriter} over an in-memory list that stands for the cluster (and, in
 * the syncs' tests, for the cache): a create of a taken name returns what is stored, as
 * the client does.
 */
public final class RecordingRevisionWriter implements RevisionWriter {

	/** What the cluster holds. */
	public final List<ControllerRevision> stored = new ArrayList<>();

	/** The names created, in order. */
	public final List<String> created = new ArrayList<>();

	/** Name to new revision number, for each renumbering. */
	public final Map<String, Long> renumbered = new LinkedHashMap<>();

	/** The names deleted, in order. */
	public final List<String> deleted = new ArrayList<>();

	/** The names replaced (deleted and created again), in order. */
	public final List<String> replaced = new ArrayList<>();

	@Override
	public ControllerRevision createRevision(ControllerRevision revision) {
		for (ControllerRevision existing : this.stored) {
			if (existing.getMetadata().getName().equals(revision.getMetadata().getName())) {
				return existing;
			}
		}
		ControllerRevision copy = Serialization.clone(revision);
		copy.getMetadata().setUid("uid-" + revision.getMetadata().getName() + "-" + java.util.UUID.randomUUID());
		copy.getMetadata().setResourceVersion("1");
		this.stored.add(copy);
		this.created.add(revision.getMetadata().getName());
		return copy;
	}

	@Override
	public void setRevisionNumber(ControllerRevision revision, long number) {
		this.renumbered.put(revision.getMetadata().getName(), number);
		for (ControllerRevision existing : this.stored) {
			if (existing.getMetadata().getName().equals(revision.getMetadata().getName())) {
				existing.setRevision(number);
			}
		}
	}

	@Override
	public ControllerRevision replaceRevision(ControllerRevision revision, ControllerRevision replacement) {
		this.replaced.add(revision.getMetadata().getName());
		this.stored.removeIf(r -> r.getMetadata().getName().equals(revision.getMetadata().getName()));
		ControllerRevision copy = Serialization.clone(replacement);
		copy.getMetadata().setUid("uid2-" + revision.getMetadata().getName() + "-" + java.util.UUID.randomUUID());
		copy.getMetadata().setResourceVersion("2");
		this.stored.add(copy);
		return copy;
	}

	@Override
	public void deleteRevision(ControllerRevision revision) {
		this.deleted.add(revision.getMetadata().getName());
		this.stored.removeIf(r -> r.getMetadata().getName().equals(revision.getMetadata().getName()));
	}

}
