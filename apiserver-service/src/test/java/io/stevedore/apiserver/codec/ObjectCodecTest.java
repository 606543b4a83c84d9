package io.stevedore.apiserver.codec;

import java.nio.charset.StandardCharsets;

import io.stevedore.machinery.errors.ApiException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The body limits the codec's JSON factory carries, reads that share its buffers, and
 * strings written as Go writes them.
 */
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
	void storedStringsAreEscapedAsKubeApiserverEscapesThemAndReadBackTheSame() {
		io.fabric8.kubernetes.api.model.ConfigMap map = new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
			.withNewMetadata()
			.withName("go")
			.endMetadata()
			.addToData("cmd", "a && b <in >out\n\t\u0001\u2028é")
			.build();

		byte[] stored = this.codec.encodeForStorage(map);

		assertThat(new String(stored, StandardCharsets.UTF_8))
			.contains("\"cmd\":\"a \\u0026\\u0026 b \\u003cin \\u003eout\\n\\t\\u0001\\u2028é\"");
		assertThat(this.codec.decodeStored(stored, 1, io.fabric8.kubernetes.api.model.ConfigMap.class).getData())
			.isEqualTo(map.getData());
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
