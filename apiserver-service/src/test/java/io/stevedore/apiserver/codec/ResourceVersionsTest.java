package io.stevedore.apiserver.codec;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResourceVersionsTest {

	private static String splice(String json, long revision) {
		return new String(ResourceVersions.withResourceVersion(json.getBytes(StandardCharsets.UTF_8), revision),
				StandardCharsets.UTF_8);
	}

	@Test
	void putsTheRevisionFirstInMetadata() {
		assertThat(splice("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"},\"spec\":{}}", 42))
			.isEqualTo(
					"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"resourceVersion\":\"42\",\"name\":\"a\"},"
							+ "\"spec\":{}}");
	}

	@Test
	void handlesEmptyMetadataWithoutATrailingComma() {
		assertThat(splice("{\"kind\":\"X\",\"metadata\":{}}", 7))
			.isEqualTo("{\"kind\":\"X\",\"metadata\":{\"resourceVersion\":\"7\"}}");
	}

	@Test
	void ignoresMetadataLookalikesInsideEarlierStrings() {
		// An escaped quote inside a string value cannot produce the unescaped key
		// sequence.
		String json = "{\"apiVersion\":\"v1\",\"kind\":\"a\\\"metadata\\\":{\",\"metadata\":{\"name\":\"n\"}}";
		assertThat(splice(json, 3)).endsWith("\"metadata\":{\"resourceVersion\":\"3\",\"name\":\"n\"}}");
	}

	@Test
	void rejectsObjectsWithoutMetadata() {
		assertThatThrownBy(() -> splice("{\"kind\":\"X\"}", 1)).isInstanceOf(IllegalStateException.class);
	}

}
