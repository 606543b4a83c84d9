package io.stevedore.apiserver.codec;

import java.nio.charset.StandardCharsets;

import io.stevedore.machinery.errors.ApiException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The body limits the codec's JSON factory carries, and reads that share its buffers. */
class ObjectCodecTest {

	private final ObjectCodec codec = new ObjectCodec();

	@Test
	void aJsonBodyNestedDeeperThanTheLimitIsABadRequest() {
		String deep = "[".repeat(1_000) + "]".repeat(1_000);

		assertThatThrownBy(() -> this.codec.readTree(deep.getBytes(StandardCharsets.UTF_8), MediaTypes.Format.JSON))
			.isInstanceOf(ApiException.class)
			.hasMessageContaining("could not be decoded as JSON")
			.hasMessageContaining("nesting depth");
	}

	@Test
	void bodiesReadOnManyThreadsAtOnceStayTheirOwn() throws Exception {
		// The factory's buffers are pooled across threads: concurrent reads must not see
		// each other's bytes.
		try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
			var results = new java.util.ArrayList<java.util.concurrent.Future<String>>();
			for (int i = 0; i < 200; i++) {
				String name = "pod-" + i + "-" + "x".repeat(i * 37);
				results.add(
						pool.submit(() -> this.codec
							.readTree(("{\"metadata\":{\"name\":\"" + name + "\"}}").getBytes(StandardCharsets.UTF_8),
									MediaTypes.Format.JSON)
							.at("/metadata/name")
							.asText()));
			}
			for (int i = 0; i < results.size(); i++) {
				assertThat(results.get(i).get()).isEqualTo("pod-" + i + "-" + "x".repeat(i * 37));
			}
		}
	}

}
