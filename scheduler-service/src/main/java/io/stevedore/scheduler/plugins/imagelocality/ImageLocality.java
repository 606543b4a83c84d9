package io.stevedore.scheduler.plugins.imagelocality;

import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.NodeSnapshot;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.PreScorePlugin;
import io.stevedore.scheduler.framework.ScorePlugin;
import io.stevedore.scheduler.framework.Status;

/**
 * Prefers nodes that already have the pod's images, by their size scaled by how widely
 * the image is spread (an image on every node says nothing), between Kubernetes'
 * thresholds of 23 MB and 1000 MB per container.
 */
public final class ImageLocality implements PreScorePlugin, ScorePlugin {

	public static final String NAME = "ImageLocality";

	static final long MIN_THRESHOLD = 23L * 1024 * 1024;

	static final long MAX_CONTAINER_THRESHOLD = 1000L * 1024 * 1024;

	private static final io.stevedore.scheduler.framework.CycleState.Key<Spread> SPREAD = CycleState.Key
		.of(NAME + "/spread", Spread.class);

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes, NodeSnapshot snapshot) {
		state.write(SPREAD, new Spread(snapshot, Math.max(1, snapshot.nodes().size())));
		return Status.success();
	}

	@Override
	public long score(CycleState state, PodInfo pod, NodeInfo node) {
		Spread spread = state.read(SPREAD);
		List<Container> containers = pod.pod().getSpec().getContainers() == null ? List.of()
				: pod.pod().getSpec().getContainers();
		long sum = 0;
		for (Container container : containers) {
			String image = normalized(container.getImage());
			Long size = node.imageSizes().get(image);
			if (size != null && spread != null) {
				sum += (long) (size * ((double) spread.snapshot().nodesWithImage(image) / spread.totalNodes()));
			}
		}
		long max = MAX_CONTAINER_THRESHOLD * Math.max(1, containers.size());
		long clamped = Math.max(MIN_THRESHOLD, Math.min(max, sum));
		return MAX_NODE_SCORE * (clamped - MIN_THRESHOLD) / (max - MIN_THRESHOLD);
	}

	/** Nodes report {@code nginx:latest}; a pod may say {@code nginx}. */
	static String normalized(String image) {
		if (image == null) {
			return "";
		}
		int slash = image.lastIndexOf('/');
		return (image.indexOf(':', slash + 1) < 0 && !image.contains("@")) ? image + ":latest" : image;
	}

	private record Spread(NodeSnapshot snapshot, int totalNodes) {
	}

}
