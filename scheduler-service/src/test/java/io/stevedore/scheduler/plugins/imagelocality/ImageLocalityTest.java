package io.stevedore.scheduler.plugins.imagelocality;

import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ContainerImageBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.NodeSnapshot;
import io.stevedore.scheduler.framework.PodInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.stevedore.scheduler.testing.TestObjects.node;
import static io.stevedore.scheduler.testing.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

class ImageLocalityTest {

	private static final long MB = 1024L * 1024;

	private static Node withImage(String name, String image, long size) {
		return new NodeBuilder(node(name).build()).editStatus()
			.addToImages(new ContainerImageBuilder().withNames(image).withSizeBytes(size).build())
			.endStatus()
			.build();
	}

	static Stream<Arguments> cases() {
		return Stream.of(Arguments.of("a node without the image scores 0", "other:1", 500 * MB, 0L),
				Arguments.of("a node with a large image present on half the nodes scores by the spread share",
						"nginx:1.27", 1000 * MB, 48L),
				Arguments.of("an image below the 23 MB threshold scores 0", "nginx:1.27", 10 * MB, 0L));
	}

	/** Two nodes; the first has the image; the pod runs nginx:1.27. */
	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void score(String name, String image, long size, long expected) {
		NodeInfo withImage = NodeInfo.of(withImage("n1", image, size));
		NodeSnapshot snapshot = NodeSnapshot.of(withImage, NodeInfo.of(node("n2").build()));
		PodInfo pod = PodInfo.of(pod("p").build());
		ImageLocality plugin = new ImageLocality();
		CycleState state = new CycleState();
		plugin.preScore(state, pod, snapshot.nodes(), snapshot);

		assertThat(plugin.score(state, pod, withImage)).isEqualTo(expected);
	}

	@ParameterizedTest(name = "an image named \"{0}\" is looked up as \"{1}\"")
	@MethodSource("names")
	void normalizesImageNames(String image, String normalized) {
		assertThat(ImageLocality.normalized(image)).isEqualTo(normalized);
	}

	static Stream<Arguments> names() {
		return Stream.of(Arguments.of("nginx", "nginx:latest"), Arguments.of("nginx:1.27", "nginx:1.27"),
				Arguments.of("registry:5000/app", "registry:5000/app:latest"));
	}

}
