package io.stevedore.scheduler.framework;

import java.util.List;

/** Computes per-pod data once for the score of every feasible node. */
public interface PreScorePlugin extends Plugin {

	Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes, NodeSnapshot snapshot);

}
