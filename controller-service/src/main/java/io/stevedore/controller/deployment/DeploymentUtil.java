package io.stevedore.controller.deployment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.controller.workload.TemplateHash;

/**
 * Revisions, annotations, template hashes and replica arithmetic of Deployments and their
 * ReplicaSets (Kubernetes' {@code pkg/controller/deployment/util}). The annotation names
 * are the ones kubectl reads for {@code rollout history} and {@code rollout undo}.
 */
final class DeploymentUtil {

	static final String REVISION = "deployment.kubernetes.io/revision";

	static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";

	static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";

	static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";

	static final String POD_TEMPLATE_HASH = "pod-template-hash";

	/** Deployment annotations that are not copied to its ReplicaSets. */
	private static final Set<String> NOT_COPIED = Set.of("kubectl.kubernetes.io/last-applied-configuration", REVISION,
			REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, "deprecated.deployment.rollback.to");

	static final Comparator<ReplicaSet> OLDEST_FIRST = Comparator.comparing(DeploymentUtil::created)
		.thenComparing(rs -> rs.getMetadata().getName());

	private DeploymentUtil() {
	}

	static int replicas(Deployment d) {
		return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
	}

	static int replicas(ReplicaSet rs) {
		return rs.getSpec().getReplicas() == null ? 0 : rs.getSpec().getReplicas();
	}

	static Instant created(ReplicaSet rs) {
		String created = rs.getMetadata().getCreationTimestamp();
		return created == null || created.isEmpty() ? Instant.EPOCH : Instant.parse(created);
	}

	static long revision(ReplicaSet rs) {
		String value = annotations(rs.getMetadata().getAnnotations()).get(REVISION);
		if (value == null) {
			return 0;
		}
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	static long maxRevision(List<ReplicaSet> replicaSets) {
		return replicaSets.stream().mapToLong(DeploymentUtil::revision).max().orElse(0);
	}

	/**
	 * Kubernetes' {@code ComputeHash}: the template's hash (and the collision count,
	 * which changes the name when two templates collide), the shared
	 * {@link TemplateHash}.
	 */
	static String computeHash(PodTemplateSpec template, Integer collisionCount) {
		return TemplateHash.of(template, collisionCount);
	}

	/**
	 * Kubernetes' {@code EqualIgnoreHash}: the same template but for the
	 * pod-template-hash label the ReplicaSet adds.
	 */
	static boolean equalIgnoringHash(PodTemplateSpec a, PodTemplateSpec b) {
		return withoutHash(a).equals(withoutHash(b));
	}

	private static JsonNode withoutHash(PodTemplateSpec template) {
		// Object nodes compare regardless of key order.
		JsonNode tree = Serialization.jsonMapper().valueToTree(template);
		JsonNode labels = tree.path("metadata").path("labels");
		if (labels instanceof ObjectNode object) {
			object.remove(POD_TEMPLATE_HASH);
			if (object.isEmpty()) {
				((ObjectNode) tree.path("metadata")).remove("labels");
			}
		}
		return tree;
	}

	/**
	 * Kubernetes' {@code FindNewReplicaSet}: the oldest with the Deployment's template.
	 */
	static ReplicaSet findNewReplicaSet(Deployment d, List<ReplicaSet> replicaSets) {
		return replicaSets.stream()
			.sorted(OLDEST_FIRST)
			.filter(rs -> equalIgnoringHash(rs.getSpec().getTemplate(), d.getSpec().getTemplate()))
			.findFirst()
			.orElse(null);
	}

	static List<ReplicaSet> filterActive(List<ReplicaSet> replicaSets) {
		return replicaSets.stream().filter(Objects::nonNull).filter(rs -> replicas(rs) > 0).toList();
	}

	/** Sum of spec.replicas. */
	static int specReplicas(List<ReplicaSet> replicaSets) {
		return replicaSets.stream().filter(Objects::nonNull).mapToInt(DeploymentUtil::replicas).sum();
	}

	/** Sum of status.replicas. */
	static int actualReplicas(List<ReplicaSet> replicaSets) {
		return replicaSets.stream()
			.filter(Objects::nonNull)
			.mapToInt(rs -> rs.getStatus() == null ? 0 : DeploymentConditions.n(rs.getStatus().getReplicas()))
			.sum();
	}

	static int readyReplicas(List<ReplicaSet> replicaSets) {
		return replicaSets.stream()
			.filter(Objects::nonNull)
			.mapToInt(rs -> rs.getStatus() == null ? 0 : DeploymentConditions.n(rs.getStatus().getReadyReplicas()))
			.sum();
	}

	static int availableReplicas(List<ReplicaSet> replicaSets) {
		return replicaSets.stream().filter(Objects::nonNull).mapToInt(DeploymentUtil::available).sum();
	}

	static int available(ReplicaSet rs) {
		return rs.getStatus() == null ? 0 : DeploymentConditions.n(rs.getStatus().getAvailableReplicas());
	}

	/**
	 * Kubernetes' {@code NewRSNewReplicas}: how big the new ReplicaSet may be now.
	 * Rolling: up to the surge, never past the desired count; Recreate: the desired
	 * count.
	 */
	static int newRSNewReplicas(Deployment d, List<ReplicaSet> all, ReplicaSet newRS) {
		if (!Fenceposts.isRollingUpdate(d)) {
			return replicas(d);
		}
		int maxTotal = replicas(d) + Fenceposts.maxSurge(d);
		int current = specReplicas(all);
		if (current >= maxTotal) {
			return replicas(newRS);
		}
		int scaleUp = Math.min(maxTotal - current, replicas(d) - replicas(newRS));
		return replicas(newRS) + scaleUp;
	}

	/**
	 * Kubernetes' {@code IsSaturated}: the new ReplicaSet runs all replicas, available.
	 */
	static boolean isSaturated(Deployment d, ReplicaSet rs) {
		if (rs == null) {
			return false;
		}
		String desired = annotations(rs.getMetadata().getAnnotations()).get(DESIRED_REPLICAS);
		return String.valueOf(replicas(d)).equals(desired) && replicas(rs) == replicas(d)
				&& available(rs) == replicas(d);
	}

	static Integer desiredReplicasAnnotation(ReplicaSet rs) {
		return intAnnotation(rs, DESIRED_REPLICAS);
	}

	static Integer maxReplicasAnnotation(ReplicaSet rs) {
		return intAnnotation(rs, MAX_REPLICAS);
	}

	private static Integer intAnnotation(ReplicaSet rs, String name) {
		String value = annotations(rs.getMetadata().getAnnotations()).get(name);
		if (value == null) {
			return null;
		}
		try {
			return Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/** Kubernetes' {@code SetReplicasAnnotations}; true when something changed. */
	static boolean setReplicasAnnotations(ReplicaSet rs, int desired, int max) {
		Map<String, String> annotations = mutableAnnotations(rs);
		String d = String.valueOf(desired);
		String m = String.valueOf(max);
		if (d.equals(annotations.get(DESIRED_REPLICAS)) && m.equals(annotations.get(MAX_REPLICAS))) {
			return false;
		}
		annotations.put(DESIRED_REPLICAS, d);
		annotations.put(MAX_REPLICAS, m);
		return true;
	}

	static boolean replicasAnnotationsNeedUpdate(ReplicaSet rs, int desired, int max) {
		Map<String, String> annotations = annotations(rs.getMetadata().getAnnotations());
		return !String.valueOf(desired).equals(annotations.get(DESIRED_REPLICAS))
				|| !String.valueOf(max).equals(annotations.get(MAX_REPLICAS));
	}

	/**
	 * Kubernetes' {@code SetNewReplicaSetAnnotations}: the Deployment's own annotations
	 * (so {@code kubernetes.io/change-cause} shows in {@code rollout history}), the new
	 * revision, the revisions a rolled-back-to ReplicaSet had before, and for a new
	 * ReplicaSet the replica annotations proportional scaling reads.
	 * @return true when the ReplicaSet's annotations changed
	 */
	static boolean setNewReplicaSetAnnotations(Deployment d, ReplicaSet rs, long newRevision, boolean exists) {
		boolean changed = copyAnnotations(d, rs);
		Map<String, String> annotations = mutableAnnotations(rs);
		String oldRevision = annotations.get(REVISION);
		long oldRevisionNumber = 0;
		if (oldRevision != null && !oldRevision.isEmpty()) {
			try {
				oldRevisionNumber = Long.parseLong(oldRevision);
			}
			catch (NumberFormatException ex) {
				return changed;
			}
		}
		if (oldRevisionNumber < newRevision) {
			annotations.put(REVISION, Long.toString(newRevision));
			changed = true;
			if (oldRevision != null && !oldRevision.isEmpty()) {
				String history = annotations.get(REVISION_HISTORY);
				annotations.put(REVISION_HISTORY,
						history == null || history.isEmpty() ? oldRevision : history + "," + oldRevision);
			}
		}
		if (!exists && setReplicasAnnotations(rs, replicas(d), replicas(d) + Fenceposts.maxSurge(d))) {
			changed = true;
		}
		return changed;
	}

	private static boolean copyAnnotations(Deployment d, ReplicaSet rs) {
		Map<String, String> annotations = mutableAnnotations(rs);
		boolean changed = false;
		for (Map.Entry<String, String> entry : annotations(d.getMetadata().getAnnotations()).entrySet()) {
			if (NOT_COPIED.contains(entry.getKey()) || entry.getValue().equals(annotations.get(entry.getKey()))) {
				continue;
			}
			annotations.put(entry.getKey(), entry.getValue());
			changed = true;
		}
		return changed;
	}

	/** Kubernetes' {@code SetDeploymentRevision}; true when it changed. */
	static boolean setDeploymentRevision(Deployment d, String revision) {
		if (revision == null) {
			return false;
		}
		Map<String, String> annotations = d.getMetadata().getAnnotations() == null ? new HashMap<>()
				: new HashMap<>(d.getMetadata().getAnnotations());
		if (revision.equals(annotations.get(REVISION))) {
			return false;
		}
		annotations.put(REVISION, revision);
		d.getMetadata().setAnnotations(annotations);
		return true;
	}

	static Map<String, String> annotations(Map<String, String> annotations) {
		return annotations == null ? Map.of() : annotations;
	}

	private static Map<String, String> mutableAnnotations(ReplicaSet rs) {
		if (rs.getMetadata().getAnnotations() == null) {
			rs.getMetadata().setAnnotations(new HashMap<>());
		}
		else if (!(rs.getMetadata().getAnnotations() instanceof HashMap)) {
			rs.getMetadata().setAnnotations(new HashMap<>(rs.getMetadata().getAnnotations()));
		}
		return rs.getMetadata().getAnnotations();
	}

	/** A deep copy: cached objects are never changed. */
	static <T> T copy(T object) {
		return Serialization.clone(object);
	}

	static List<ReplicaSet> with(List<ReplicaSet> olds, ReplicaSet newRS) {
		List<ReplicaSet> all = new ArrayList<>(olds);
		if (newRS != null) {
			all.add(newRS);
		}
		return all;
	}

}
