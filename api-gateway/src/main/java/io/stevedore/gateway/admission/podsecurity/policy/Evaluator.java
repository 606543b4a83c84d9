package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;

/**
 * Evaluates a pod (or a workload's pod template) against a level at a version, as
 * Kubernetes' {@code policy.Evaluator}. No Spring, no I/O: immutable and safe for
 * concurrent use.
 *
 * <p>
 * A version newer than the newest revision of any check ({@code latest}, or a future
 * {@code v1.40}) is evaluated as that newest version (v1.32 here); an older one uses each
 * check's revision of that time, and skips checks that did not exist yet.
 *
 * <p>
 * Order: baseline checks sorted by ID, then restricted checks sorted by ID (Kubernetes
 * sorts them so messages are stable). At restricted, a baseline check is skipped when a
 * restricted check that exists at that version supersedes it.
 */
public final class Evaluator {

	private final List<Check> checks;

	private final int newestMinor;

	public Evaluator(List<Check> checks) {
		this.checks = checks.stream()
			.sorted(Comparator.comparing((Check check) -> check.level() == Level.RESTRICTED).thenComparing(Check::id))
			.toList();
		this.newestMinor = checks.stream().mapToInt(Check::newestMinor).max().orElse(0);
	}

	/** The checks of Kubernetes v1.32. */
	public static Evaluator standard() {
		return new Evaluator(Checks.defaultChecks());
	}

	/** The newest policy version this evaluator knows; {@code latest} means it. */
	public PolicyVersion newestVersion() {
		return PolicyVersion.of(this.newestMinor);
	}

	public AggregateResult evaluate(LevelVersion levelVersion, PodTemplateSpec template) {
		return evaluate(levelVersion, template.getMetadata(), template.getSpec());
	}

	/** Runs the checks of the level in Kubernetes' order and keeps the refusals. */
	public AggregateResult evaluate(LevelVersion levelVersion, ObjectMeta metadata, PodSpec spec) {
		Level level = levelVersion.level();
		if (level == Level.PRIVILEGED) {
			return new AggregateResult(List.of());
		}
		ObjectMeta podMetadata = metadata == null ? new ObjectMeta() : metadata;
		PodSpec podSpec = spec == null ? new PodSpec() : spec;
		PolicyVersion version = levelVersion.version();
		int minor = version.latest() || version.minor() > this.newestMinor ? this.newestMinor : version.minor();
		Set<String> overridden = new HashSet<>();
		if (level == Level.RESTRICTED) {
			for (Check check : this.checks) {
				if (check.level() == Level.RESTRICTED && check.at(minor) != null) {
					overridden.addAll(check.overrides());
				}
			}
		}
		List<CheckResult> forbidden = new ArrayList<>();
		for (Check check : this.checks) {
			PodCheck revision = check.at(minor);
			if (revision == null || overridden.contains(check.id()) || check.level().stricterThan(level)) {
				continue;
			}
			CheckResult result = revision.check(podMetadata, podSpec);
			if (!result.allowed()) {
				forbidden.add(result);
			}
		}
		return new AggregateResult(forbidden);
	}

}
