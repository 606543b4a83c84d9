package io.stevedore.machinery.openapi;

import io.stevedore.machinery.registry.ResourceRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StoredDocumentTest {

	@Test
	void keepsTheDocumentCompressedAndGivesItBackUnchanged() {
		byte[] v2 = OpenApi.of(ResourceRegistry.standard()).v2();

		StoredDocument stored = StoredDocument.of(v2);

		assertThat(stored.body()).isEqualTo(v2).isNotSameAs(stored.body());
		assertThat(stored.gzip().length).isLessThan(v2.length / 5);
		assertThat(stored.hash()).matches("[0-9A-F]{128}");
		assertThat(stored.etag()).isEqualTo("\"" + stored.hash().substring(0, 32) + "\"");
		assertThat(StoredDocument.of(v2).hash()).isEqualTo(stored.hash());
		assertThat(StoredDocument.of("{}".getBytes()).hash()).isNotEqualTo(stored.hash());
	}

}
