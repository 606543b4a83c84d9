package io.stevedore.nodeagent.runtime;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RuntimeLabelsTest {

	@Test
	void inClusterAddsTheClusterLabelAndKeepsTheRest() {
		Map<String, String> labels = RuntimeLabels.inCluster("dev-1",
				Map.of(RuntimeLabels.NODE, "node-a", RuntimeLabels.POD_UID, "uid-1"));

		assertThat(labels).containsExactlyInAnyOrderEntriesOf(
				Map.of(RuntimeLabels.NODE, "node-a", RuntimeLabels.POD_UID, "uid-1", RuntimeLabels.CLUSTER, "dev-1"));
	}

	@Test
	void inClusterOverridesACallersClusterLabel() {
		assertThat(RuntimeLabels.inCluster("mine", Map.of(RuntimeLabels.CLUSTER, "theirs")))
			.containsEntry(RuntimeLabels.CLUSTER, "mine");
	}

	@Test
	void clusterNamesAreLabelValues() {
		assertThat(RuntimeLabels.checkClusterName("stevedore")).isEqualTo("stevedore");
		assertThat(RuntimeLabels.checkClusterName("stevedore-3f9a0c1e2b")).isEqualTo("stevedore-3f9a0c1e2b");
		assertThat(RuntimeLabels.checkClusterName("a.b_c")).isEqualTo("a.b_c");
		assertThat(RuntimeLabels.checkClusterName("x".repeat(63))).hasSize(63);
	}

	@Test
	void badClusterNamesAreRefusedNamingTheSetting() {
		for (String bad : new String[] { "", "-dev", "dev-", "a b", "x".repeat(64), "dev/1" }) {
			assertThatIllegalArgumentException().isThrownBy(() -> RuntimeLabels.checkClusterName(bad))
				.withMessageContaining("stevedore.node.cluster-name")
				.withMessageContaining("\"" + bad + "\"");
		}
		assertThatIllegalArgumentException().isThrownBy(() -> RuntimeLabels.checkClusterName(null));
	}

}
