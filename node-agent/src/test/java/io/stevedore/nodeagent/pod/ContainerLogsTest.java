package io.stevedore.nodeagent.pod;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.nodeagent.runtime.ContainerSpec;
import io.stevedore.nodeagent.runtime.FakeContainerRuntime;
import io.stevedore.nodeagent.runtime.LogOptions;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which container instance a log request reads, and limitBytes. */
class ContainerLogsTest {

	private final FakeClock clock = new FakeClock();

	private final FakeContainerRuntime runtime = new FakeContainerRuntime(this.clock);

	private final Map<String, Pod> pods = new HashMap<>();

	private final ContainerLogs logs = new ContainerLogs((ns, name) -> this.pods.get(ns + "/" + name), this.runtime,
			"node-a");

	@Test
	void theCurrentInstanceByDefaultAndTheOneBeforeWithPrevious() throws Exception {
		pod();
		String first = container(0);
		this.clock.advance(java.time.Duration.ofSeconds(1));
		String second = container(1);
		assertThat(this.logs.instance("default", "web", "main", false)).isEqualTo(second);
		assertThat(this.logs.instance("default", "web", "main", true)).isEqualTo(first);
	}

	@Test
	void noPreviousInstanceOrNoPodOrNoContainerIsAnErrorTheKubeletWouldGive() {
		assertThatThrownBy(() -> this.logs.instance("default", "web", "main", false))
			.isInstanceOfSatisfying(ContainerLogs.LogsException.class, ex -> assertThat(ex.status()).isEqualTo(404));
		pod();
		assertThatThrownBy(() -> this.logs.instance("default", "web", "main", false))
			.hasMessage("container \"main\" in pod \"web\" is waiting to start: ContainerCreating");
		container(0);
		assertThatThrownBy(() -> this.logs.instance("default", "web", "main", true))
			.isInstanceOfSatisfying(ContainerLogs.LogsException.class, ex -> assertThat(ex.status()).isEqualTo(400))
			.hasMessage("previous terminated container \"main\" in pod \"web\" not found");
	}

	@Test
	void limitBytesCutsTheStream() throws Exception {
		pod();
		String id = container(0);
		this.runtime.output.put(id, "line one\nline two\n");
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		this.logs.write(id, LogOptions.all(), 6, out);
		assertThat(out.toString()).isEqualTo("line o");
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		this.logs.write(id, LogOptions.all(), 0, all);
		assertThat(all.toString()).isEqualTo("line one\nline two\n");
	}

	private void pod() {
		this.pods.put("default/web",
				new PodBuilder().withNewMetadata()
					.withName("web")
					.withNamespace("default")
					.withUid("uid-web")
					.endMetadata()
					.build());
	}

	private String container(int restartCount) {
		Map<String, String> labels = Map.of(RuntimeLabels.NODE, "node-a", RuntimeLabels.POD_UID, "uid-web",
				RuntimeLabels.CONTAINER_NAME, "main", RuntimeLabels.RESTART_COUNT, Integer.toString(restartCount),
				RuntimeLabels.TYPE, RuntimeLabels.TYPE_CONTAINER);
		return this.runtime.createContainer(new ContainerSpec("k8s_main_" + restartCount, "app:1", List.of(), List.of(),
				"", List.of(), List.of(), labels, "sandbox", ContainerSpec.Resources.none(), false, false));
	}

}
