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
		state.write(SPREAD, Spread.of(pod, snapshot));
		return Status.success();
	}

	@Override
	public long score(CycleState state, PodInfo pod, NodeInfo node) {
		Spread spread = state.read(SPREAD);
		long sum = 0;
		if (spread != null) {
			for (int i = 0; i < spread.images().length; i++) {
				Long size = node.imageSizes().get(spread.images()[i]);
				if (size != null) {
					sum += (long) (size * spread.fractions()[i]);
				}
			}
		}
		long max = MAX_CONTAINER_THRESHOLD * Math.max(1, containers(pod).size());
		long clamped = Math.max(MIN_THRESHOLD, Math.min(max, sum));
		return MAX_NODE_SCORE * (clamped - MIN_THRESHOLD) / (max - MIN_THRESHOLD);
	}

	private static List<Container> containers(PodInfo pod) {
		List<Container> containers = pod.pod().getSpec().getContainers();
		return (containers == null) ? List.of() : containers;
	}

	/** Nodes report {@code nginx:latest}; a pod may say {@code nginx}. */
	static String normalized(String image) {
		if (image == null) {
			return "";
		}
		int slash = image.lastIndexOf('/');
		return (image.indexOf(':', slash + 1) < 0 && !image.contains("@")) ? image + ":latest" : image;
	}

	/**
	 * Per container: its normalized image and the share of all nodes holding it, worked
	 * out once per pod in PreScore rather than on each of the hundreds of nodes scored.
	 */
	private record Spread(String[] images, double[] fractions) {

		static Spread of(PodInfo pod, NodeSnapshot snapshot) {
			List<Container> containers = containers(pod);
			int totalNodes = Math.max(1, snapshot.nodes().size());
			String[] images = new String[containers.size()];
			double[] fractions = new double[containers.size()];
			for (int i = 0; i < images.length; i++) {
				images[i] = normalized(containers.get(i).getImage());
				fractions[i] = (double) snapshot.nodesWithImage(images[i]) / totalNodes;
			}
			return new Spread(images, fractions);
		}

	}

}
