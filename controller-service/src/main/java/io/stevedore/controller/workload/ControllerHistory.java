package io.stevedore.controller.workload;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The ControllerRevisions of a StatefulSet or DaemonSet (Kubernetes'
 * pkg/controller/history, the DaemonSet controller's {@code constructHistory} and
 * {@code cleanupHistory}, the StatefulSet controller's {@code getStatefulSetRevisions}).
 * Each pod template the owner had is one revision named {@code <owner>-<hash>}, labelled
 * with the template's labels and {@code controller-revision-hash}, controlled by the
 * owner, numbered ({@code revision}) in the order the templates were current, its data
 * the patch that puts the template back:
 * {@code {"spec":{"template":{"$patch":"replace",…}}}}. That patch is what
 * {@code kubectl rollout undo} applies (a strategic merge patch of the owner) and what
 * {@code kubectl rollout history --revision} shows; it is Kubernetes' bytes
 * ({@link RevisionData}), as kubectl compares them with the live template's. Templates
 * are told apart by those bytes, whatever the format a revision was stored in.
 */
public final class ControllerHistory {

	public static final String HASH_LABEL = "controller-revision-hash";

	/**
	 * {@link #known} by revision uid and resourceVersion, the most recently used
	 * {@value #CACHED_REVISIONS}.
	 */
	private static final Map<String, Known> DATA_BY_VERSION = new LinkedHashMap<>(16, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
			return size() > CACHED_REVISIONS;
		}

	};

	private static final int CACHED_REVISIONS = 10_000;

	private ControllerHistory() {
	}

	/**
	 * The owner's revisions after {@link #sync}.
	 *
	 * @param current the revision of the owner's template, the newest
	 * @param old the owner's revisions of other templates
	 * @param duplicates revisions of the current template besides {@code current} (left
	 * by a hash collision): the caller moves their pods to {@code current} and deletes
	 * them
	 */
	public record Revisions(ControllerRevision current, List<ControllerRevision> old,
			List<ControllerRevision> duplicates) {

		/**
		 * The {@code controller-revision-hash} of the current revision ({@link #hashOf}).
		 */
		public String hash() {
			return hashOf(this.current);
		}

	}

	/**
	 * Kubernetes' {@code constructHistory}: finds the revision of the owner's template
	 * among its revisions, or creates it. A template that comes back (a rollback, an edit
	 * undone) reuses its old revision, renumbered as the newest, so no two revisions hold
	 * one template.
	 * @param owned the revisions the owner controls (after the claim)
	 * @param annotations the new revision's annotations (a DaemonSet copies its own, so
	 * {@code kubernetes.io/change-cause} shows in {@code kubectl rollout history})
	 * @return null when the name {@code <owner>-<hash>} is taken by a revision of another
	 * template: a hash collision, the caller bumps {@code status.collisionCount} and
	 * tries again with the new hash
	 */
	public static Revisions sync(HasMetadata owner, PodTemplateSpec template, Integer collisionCount,
			List<ControllerRevision> owned, Map<String, String> annotations, RevisionWriter writer) {
		String wanted = RevisionData.of(template);
		List<ControllerRevision> equal = new ArrayList<>();
		List<ControllerRevision> old = new ArrayList<>();
		for (ControllerRevision revision : owned) {
			(wanted.equals(dataOf(revision)) ? equal : old).add(revision);
		}
		long next = maxRevision(old) + 1;
		if (equal.isEmpty()) {
			String hash = TemplateHash.of(template, collisionCount);
			ControllerRevision stored = writer.createRevision(newRevision(owner, template, hash, next, annotations));
			if (!wanted.equals(dataOf(stored))) {
				return null;
			}
			return new Revisions(stored, old, List.of());
		}
		equal.sort(Comparator.comparingLong(ControllerHistory::number));
		ControllerRevision current = equal.get(equal.size() - 1);
		if (!storedAsKubernetes(current)) {
			// Written before the data was Kubernetes' bytes (or by another writer): the
			// same revision (name, hash, labels, owner) again with them, so kubectl sees
			// that the template matches it. Data is immutable, so it is recreated.
			ControllerRevision replacement = Serialization.clone(current);
			replacement.getMetadata().setResourceVersion(null);
			replacement.getMetadata().setUid(null);
			replacement.getMetadata().setCreationTimestamp(null);
			replacement.getMetadata().setManagedFields(null);
			replacement.setRevision(Math.max(number(current), next));
			replacement.setData(new RawValue(wanted));
			current = writer.replaceRevision(current, replacement);
		}
		else if (number(current) < next) {
			writer.setRevisionNumber(current, next);
			current = Serialization.clone(current);
			current.setRevision(next);
		}
		return new Revisions(current, old, List.copyOf(equal.subList(0, equal.size() - 1)));
	}

	/**
	 * A revision's data as Kubernetes would have written it (its template, however it was
	 * stored), or null when it holds no template.
	 */
	private static String dataOf(ControllerRevision revision) {
		return known(revision).data();
	}

	/** Whether a revision's stored data is byte for byte what {@link #dataOf} says. */
	private static boolean storedAsKubernetes(ControllerRevision revision) {
		return known(revision).stored();
	}

	/** What a revision's data is, and whether it is stored that way. */
	private record Known(String data, boolean stored) {
	}

	private static Known known(ControllerRevision revision) {
		String uid = revision.getMetadata().getUid();
		String version = revision.getMetadata().getResourceVersion();
		if (uid == null || version == null) {
			return examine(revision);
		}
		// Every sync looks at every revision of its owner; a stored revision's data stays
		// the same as long as its resourceVersion does.
		String key = uid + "/" + version;
		synchronized (DATA_BY_VERSION) {
			Known known = DATA_BY_VERSION.get(key);
			if (known != null) {
				return known;
			}
		}
		Known known = examine(revision);
		synchronized (DATA_BY_VERSION) {
			DATA_BY_VERSION.put(key, known);
		}
		return known;
	}

	private static Known examine(ControllerRevision revision) {
		PodTemplateSpec template = templateOf(revision);
		if (template == null) {
			return new Known(null, false);
		}
		String data = RevisionData.of(template);
		return new Known(data, RevisionData.matches(revision.getData(), data));
	}

	/**
	 * Kubernetes' {@code cleanupHistory}: the old revisions beyond {@code limit} to
	 * delete, oldest first, never one a live pod still runs.
	 * @param liveHashes the {@code controller-revision-hash} labels of the owner's pods
	 * (hashes or revision names)
	 */
	public static List<ControllerRevision> surplus(List<ControllerRevision> old, int limit, Set<String> liveHashes) {
		int toKill = old.size() - limit;
		List<ControllerRevision> victims = new ArrayList<>();
		if (toKill <= 0) {
			return victims;
		}
		List<ControllerRevision> oldestFirst = new ArrayList<>(old);
		oldestFirst.sort(Comparator.comparingLong(ControllerHistory::number));
		for (ControllerRevision revision : oldestFirst) {
			if (victims.size() == toKill) {
				break;
			}
			// DaemonSet pods carry the hash, StatefulSet pods the revision's name.
			if (!liveHashes.contains(hashOf(revision)) && !liveHashes.contains(revision.getMetadata().getName())) {
				victims.add(revision);
			}
		}
		return victims;
	}

	/**
	 * A revision's {@code controller-revision-hash}, what its pods are labelled with: its
	 * label, or its name when an adopted revision has none (Kubernetes labels those with
	 * their name).
	 */
	public static String hashOf(ControllerRevision revision) {
		Map<String, String> labels = revision.getMetadata().getLabels();
		String hash = labels == null ? null : labels.get(HASH_LABEL);
		return hash == null ? revision.getMetadata().getName() : hash;
	}

	/**
	 * The template a revision holds, or null when its data is not a template patch. The
	 * data is a map when built here and a RawExtension when read from the API: both are
	 * read through JSON.
	 */
	public static PodTemplateSpec templateOf(ControllerRevision revision) {
		JsonNode template = tree(revision.getData()).path("spec").path("template");
		if (!(template instanceof ObjectNode object)) {
			return null;
		}
		object.remove("$patch");
		return Serialization.jsonMapper().convertValue(object, PodTemplateSpec.class);
	}

	/** Kubernetes' {@code NewControllerRevision}. */
	static ControllerRevision newRevision(HasMetadata owner, PodTemplateSpec template, String hash, long number,
			Map<String, String> annotations) {
		ObjectMeta meta = new ObjectMeta();
		meta.setName(owner.getMetadata().getName() + "-" + hash);
		meta.setNamespace(owner.getMetadata().getNamespace());
		Map<String, String> labels = template.getMetadata() == null || template.getMetadata().getLabels() == null
				? new LinkedHashMap<>() : new LinkedHashMap<>(template.getMetadata().getLabels());
		labels.put(HASH_LABEL, hash);
		meta.setLabels(labels);
		if (annotations != null && !annotations.isEmpty()) {
			meta.setAnnotations(new LinkedHashMap<>(annotations));
		}
		meta.setOwnerReferences(new ArrayList<>(List.of(ControllerRefs.of(owner))));
		ControllerRevision revision = new ControllerRevision();
		revision.setApiVersion("apps/v1");
		revision.setKind("ControllerRevision");
		revision.setMetadata(meta);
		revision.setRevision(number);
		// Raw: the bytes go to the apiserver as they are.
		revision.setData(new RawValue(RevisionData.of(template)));
		return revision;
	}

	private static long maxRevision(List<ControllerRevision> revisions) {
		return revisions.stream().mapToLong(ControllerHistory::number).max().orElse(0);
	}

	private static long number(ControllerRevision revision) {
		return revision.getRevision() == null ? 0 : revision.getRevision();
	}

	/**
	 * JSON trees compare maps regardless of key order; writing both sides to text first
	 * makes numbers parse to the same node types.
	 */
	private static JsonNode tree(Object data) {
		try {
			return Serialization.jsonMapper().readTree(Serialization.asJson(data));
		}
		catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
