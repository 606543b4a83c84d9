package io.stevedore.nodeagent.runtime.docker;

import java.nio.file.Path;
import java.time.Duration;

import io.stevedore.nodeagent.runtime.RuntimeUnreachableException;
import io.stevedore.nodeagent.support.DockerSocketProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A short call to an engine that accepts and never answers fails after the call timeout
 * as "not reachable" (what the breaker counts) instead of blocking its thread for good:
 * docker-java's own response timeout does not reach its unix-socket channel. The socket
 * is a {@link DockerSocketProxy} left hanging, so no engine is needed.
 */
@Timeout(60)
class DockerCallTimeoutTest {

	@TempDir
	Path dir;

	@Test
	void aShortCallToAHungEngineFailsAsUnreachableAfterTheTimeout() throws Exception {
		try (DockerSocketProxy proxy = new DockerSocketProxy(this.dir.resolve("docker.sock"));
				DockerContainerRuntime runtime = new DockerContainerRuntime(proxy.url(), "timeout-test",
						Duration.ofMillis(500))) {
			proxy.hang();
			assertThatThrownBy(runtime::info).isInstanceOf(RuntimeUnreachableException.class)
				.hasMessageContaining("not reachable")
				.hasMessageContaining("no answer within 500 ms");
			assertThatThrownBy(() -> runtime.listContainers(java.util.Map.of()))
				.isInstanceOf(RuntimeUnreachableException.class)
				.hasMessageContaining("no answer within 500 ms");
		}
	}

}
