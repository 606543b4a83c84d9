package io.stevedore.apiserver.encryption;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.storage.Event;
import io.stevedore.storage.KeyValue;
import io.stevedore.storage.Store;
import io.stevedore.storage.StoreConfig;
import io.stevedore.storage.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Encryption at rest over the real embedded store: what the raw store holds, what readers
 * get back, and the errors of tampered values and missing keys.
 */
class EncryptingStoreTest {

	private static final String SECRET_KEY = "/registry/core/secrets/default/db";

	private static final byte[] PLAIN = "{\"kind\":\"Secret\",\"data\":{\"password\":\"aHVudGVyMg==\"}}"
		.getBytes(StandardCharsets.UTF_8);

	@TempDir
	java.nio.file.Path dir;

	private Store raw;

	@AfterEach
	void close() {
		if (this.raw != null) {
			this.raw.close();
		}
	}

	private Store open() {
		this.raw = Stores.open(new StoreConfig(null, this.dir, null, false, 1000));
		return this.raw;
	}

	static String key(int fill) {
		byte[] bytes = new byte[32];
		java.util.Arrays.fill(bytes, (byte) fill);
		return Base64.getEncoder().encodeToString(bytes);
	}

	static StorageEncryption config(String providers) throws Exception {
		JsonNode root = new YAMLMapper().readTree("""
				apiVersion: apiserver.config.k8s.io/v1
				kind: EncryptionConfiguration
				resources:
				- resources: [secrets]
				  providers:
				""" + providers.indent(2));
		return EncryptionConfigurationFile.parse(root, new SecureRandom());
	}

	static String aesgcm(String... nameAndKey) {
		StringBuilder yaml = new StringBuilder("- aesgcm:\n    keys:\n");
		for (int i = 0; i < nameAndKey.length; i += 2) {
			yaml.append("    - name: ")
				.append(nameAndKey[i])
				.append("\n      secret: ")
				.append(nameAndKey[i + 1])
				.append('\n');
		}
		return yaml.toString();
	}

	@Test
	void aSecretIsStoredWithKubernetesPrefixAndNoPlaintextButReadsBackUnchanged() throws Exception {
		Store store = new EncryptingStore(open(), config(aesgcm("key1", key(1)) + "- identity: {}\n"));
		store.create(SECRET_KEY, PLAIN);
		byte[] stored = this.raw.get(SECRET_KEY).value();
		assertThat(new String(stored, StandardCharsets.ISO_8859_1)).startsWith("k8s:enc:aesgcm:v1:key1:")
			.doesNotContain("aHVudGVyMg==")
			.doesNotContain("Secret");
		assertThat(store.get(SECRET_KEY).value()).isEqualTo(PLAIN);
		assertThat(store.list("/registry/core/secrets/", null, 0).items().get(0).value()).isEqualTo(PLAIN);
		assertThat(store.delete(SECRET_KEY, 0).value()).isEqualTo(PLAIN);
	}

	@Test
	void otherResourcesAreStoredAsTheyAre() throws Exception {
		Store store = new EncryptingStore(open(), config(aesgcm("key1", key(1))));
		store.create("/registry/core/configmaps/default/c", PLAIN);
		assertThat(this.raw.get("/registry/core/configmaps/default/c").value()).isEqualTo(PLAIN);
	}

	@Test
	void aWatchDeliversDecryptedValues() throws Exception {
		Store store = new EncryptingStore(open(), config(aesgcm("key1", key(1))));
		List<Event> seen = new ArrayList<>();
		try (var watch = store.watch("/registry/", 0, (events) -> {
			synchronized (seen) {
				seen.addAll(events);
			}
		})) {
			store.create(SECRET_KEY, PLAIN);
			await().until(() -> {
				synchronized (seen) {
					return !seen.isEmpty();
				}
			});
		}
		assertThat(seen.get(0).kv().value()).isEqualTo(PLAIN);
	}

	@Test
	void aTamperedCiphertextIsAClearInternalErrorNotGarbage() throws Exception {
		Store store = new EncryptingStore(open(), config(aesgcm("key1", key(1))));
		store.create(SECRET_KEY, PLAIN);
		byte[] stored = this.raw.get(SECRET_KEY).value();
		stored[stored.length - 3] ^= 1;
		this.raw.update(SECRET_KEY, stored, 0);
		assertThatThrownBy(() -> store.get(SECRET_KEY)).isInstanceOf(ApiException.class)
			.hasMessageContaining("unable to transform key \"" + SECRET_KEY + "\"")
			.hasMessageContaining("does not authenticate");
	}

	@Test
	void aValueCopiedUnderAnotherKeyDoesNotDecrypt() throws Exception {
		Store store = new EncryptingStore(open(), config(aesgcm("key1", key(1))));
		store.create(SECRET_KEY, PLAIN);
		this.raw.create("/registry/core/secrets/default/copy", this.raw.get(SECRET_KEY).value());
		assertThatThrownBy(() -> store.get("/registry/core/secrets/default/copy"))
			.hasMessageContaining("does not authenticate");
	}

	@Test
	void aValueWrittenWithAKeyNoLongerListedNamesThatKey() throws Exception {
		new EncryptingStore(open(), config(aesgcm("old", key(1)))).create(SECRET_KEY, PLAIN);
		Store rotated = new EncryptingStore(this.raw, config(aesgcm("new", key(2))));
		assertThatThrownBy(() -> rotated.get(SECRET_KEY)).hasMessageContaining(
				"stored with aesgcm key \"old\", which no provider of the encryption configuration lists");
	}

	@Test
	void rotationReadsWithTheOldKeyAndWritesWithTheFirstNewOne() throws Exception {
		new EncryptingStore(open(), config(aesgcm("old", key(1)))).create(SECRET_KEY, PLAIN);
		Store rotated = new EncryptingStore(this.raw, config(aesgcm("new", key(2), "old", key(1))));
		assertThat(rotated.get(SECRET_KEY).value()).isEqualTo(PLAIN);
		rotated.update(SECRET_KEY, PLAIN, 0);
		assertThat(new String(this.raw.get(SECRET_KEY).value(), StandardCharsets.ISO_8859_1))
			.startsWith("k8s:enc:aesgcm:v1:new:");
		Store oldRemoved = new EncryptingStore(this.raw, config(aesgcm("new", key(2))));
		assertThat(oldRemoved.get(SECRET_KEY).value()).isEqualTo(PLAIN);
	}

	@Test
	void plaintextWrittenBeforeEncryptionIsReadOnlyWithIdentityListed() throws Exception {
		open().create(SECRET_KEY, PLAIN);
		Store withIdentity = new EncryptingStore(this.raw, config(aesgcm("key1", key(1)) + "- identity: {}\n"));
		assertThat(withIdentity.get(SECRET_KEY).value()).isEqualTo(PLAIN);
		Store without = new EncryptingStore(this.raw, config(aesgcm("key1", key(1))));
		assertThatThrownBy(() -> without.get(SECRET_KEY)).hasMessageContaining("stored unencrypted");
	}

	@Test
	void identityFirstWritesPlaintextAndStillReadsEncryptedValues() throws Exception {
		new EncryptingStore(open(), config(aesgcm("key1", key(1)))).create(SECRET_KEY, PLAIN);
		Store decrypting = new EncryptingStore(this.raw, config("- identity: {}\n" + aesgcm("key1", key(1))));
		assertThat(decrypting.get(SECRET_KEY).value()).isEqualTo(PLAIN);
		decrypting.update(SECRET_KEY, PLAIN, 0);
		assertThat(this.raw.get(SECRET_KEY).value()).isEqualTo(PLAIN);
	}

}
