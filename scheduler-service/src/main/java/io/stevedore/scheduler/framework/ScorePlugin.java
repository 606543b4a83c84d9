package io.stevedore.scheduler.framework;

import java.util.List;

/**
 * Ranks a feasible node. Raw scores may be on any scale; {@link #normalizeScore} brings
 * them to [0, {@link #MAX_NODE_SCORE}] before the framework multiplies by the plugin's
 * weight, so a plugin's weight means the same whatever its raw scale.
 */
public interface ScorePlugin extends Plugin {

	long MAX_NODE_SCORE = 100;

	long score(CycleState state, PodInfo pod, NodeInfo node);

	/**
	 * Rewrites {@code scores} (one per node in {@code nodes}) in place; default: already
	 * 0..100.
	 */
	default void normalizeScore(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
	}

	/**
	 * Kubernetes' {@code helper.DefaultNormalizeScore}: scales so the highest becomes
	 * 100, reversed when lower raw scores are better.
	 */
	static void defaultNormalize(long[] scores, boolean reverse) {
		long max = 0;
		for (long score : scores) {
			max = Math.max(max, score);
		}
		if (max == 0) {
			if (reverse) {
				java.util.Arrays.fill(scores, MAX_NODE_SCORE);
			}
			return;
		}
		for (int i = 0; i < scores.length; i++) {
			long score = MAX_NODE_SCORE * scores[i] / max;
			scores[i] = reverse ? MAX_NODE_SCORE - score : score;
		}
	}

}
