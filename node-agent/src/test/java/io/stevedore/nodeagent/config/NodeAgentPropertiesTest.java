package io.stevedore.nodeagent.config;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The eviction settings as Spring binds them at start: good ones kept, bad ones named.
 */
class NodeAgentPropertiesTest {

	@Test
	void theDefaultsAreTheKubeletsHardThresholdsAndNoSoftOnes() {
		NodeAgentProperties properties = bind(Map.of());
		assertThat(properties.evictionThresholds()).extracting(Object::toString)
			.containsExactly("memory.available<104857600", "nodefs.available<10.0%", "nodefs.inodesFree<5.0%",
					"imagefs.available<15.0%", "imagefs.inodesFree<5.0%");
		assertThat(properties.evictionSoftThresholds()).isEmpty();
		assertThat(properties.evictionMaxPodGracePeriod()).isZero();
	}

	@Test
	void softThresholdsBindWithTheirGracePeriods() {
		NodeAgentProperties properties = bind(Map.of("stevedore.node.eviction-soft", "memory.available<1Gi",
				"stevedore.node.eviction-soft-grace-period", "memory.available=1m30s",
				"stevedore.node.eviction-max-pod-grace-period", "60"));
		assertThat(properties.evictionSoftThresholds()).singleElement()
			.satisfies(t -> assertThat(t.gracePeriod()).isEqualTo(Duration.ofSeconds(90)));
		assertThat(properties.evictionMaxPodGracePeriod()).isEqualTo(60);
	}

	@Test
	void aSoftThresholdWithoutAGracePeriodStopsTheStartNamingTheSetting() {
		assertThatThrownBy(() -> bind(Map.of("stevedore.node.eviction-soft", "memory.available<1Gi")))
			.isInstanceOf(BindException.class)
			.rootCause()
			.hasMessage("stevedore.node.eviction-soft-grace-period: no grace period for the soft eviction threshold "
					+ "memory.available");
		assertThatThrownBy(() -> bind(Map.of("stevedore.node.eviction-max-pod-grace-period", "-1"))).rootCause()
			.hasMessage("stevedore.node.eviction-max-pod-grace-period must not be negative, got -1");
	}

	@Test
	void podCgroupsAreOnByDefaultUnderARootOfTheNodesOwn() {
		NodeAgentProperties properties = bind(Map.of());
		assertThat(properties.cgroupsPerQos()).isTrue();
		assertThat(properties.cgroupRoot("node-1")).isEqualTo("/stevedore/node-1/kubepods");
		assertThat(bind(Map.of("stevedore.node.cgroup-root", "/pods/a")).cgroupRoot("node-1")).isEqualTo("/pods/a");
		assertThat(bind(Map.of("stevedore.node.cgroups-per-qos", "false")).cgroupsPerQos()).isFalse();
	}

	@Test
	void aCgroupRootThatIsNotAnAbsolutePathStopsTheStart() {
		for (String bad : new String[] { "kubepods", "/a/../b", "/a/", "/a//b" }) {
			assertThatThrownBy(() -> bind(Map.of("stevedore.node.cgroup-root", bad))).rootCause()
				.hasMessage("stevedore.node.cgroup-root must be an absolute cgroup path like "
						+ "/stevedore/node-1/kubepods, got \"" + bad + "\"");
		}
	}

	private static NodeAgentProperties bind(Map<String, String> settings) {
		return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("stevedore.node",
				NodeAgentProperties.class);
	}

}
