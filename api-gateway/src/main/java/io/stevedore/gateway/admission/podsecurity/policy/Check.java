package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.List;

/**
 * One control of the Pod Security Standards with its revisions, as Kubernetes'
 * {@code policy.Check}.
 *
 * @param id Kubernetes' check ID, e.g. {@code hostPorts}; checks run in ID order, which
 * is the order of the reasons in a refusal
 * @param level the level it belongs to: baseline checks also apply to restricted
 * @param overrides for a restricted check, the baseline checks it supersedes at every
 * version it exists in (so a hostPath volume is reported once, by restrictedVolumes)
 * @param versions revisions by increasing minimum version; a version of the policy uses
 * the newest revision not newer than itself
 */
public record Check(String id, Level level, List<String> overrides, List<Revision> versions) {

	public Check {
		overrides = List.copyOf(overrides);
		versions = List.copyOf(versions);
		if (versions.isEmpty() || level == Level.PRIVILEGED) {
			throw new IllegalArgumentException("check " + id + ": needs a revision and a baseline/restricted level");
		}
	}

	static Check baseline(String id, Revision... versions) {
		return new Check(id, Level.BASELINE, List.of(), List.of(versions));
	}

	static Check restricted(String id, Revision... versions) {
		return new Check(id, Level.RESTRICTED, List.of(), List.of(versions));
	}

	/** A restricted check that supersedes the baseline check {@code overridden}. */
	static Check restrictedOverriding(String id, String overridden, Revision... versions) {
		return new Check(id, Level.RESTRICTED, List.of(overridden), List.of(versions));
	}

	/** The revision for policy version {@code v1.minor}; null when the check is newer. */
	PodCheck at(int minor) {
		PodCheck found = null;
		for (Revision revision : this.versions) {
			if (revision.minimumMinor() <= minor) {
				found = revision.check();
			}
		}
		return found;
	}

	/** The minor version of the check's newest revision. */
	int newestMinor() {
		return this.versions.get(this.versions.size() - 1).minimumMinor();
	}

	/**
	 * A revision of a check that applies from {@code v1.minimumMinor} on.
	 */
	public record Revision(int minimumMinor, PodCheck check) {

		static Revision since(int minimumMinor, PodCheck check) {
			return new Revision(minimumMinor, check);
		}

	}

}
