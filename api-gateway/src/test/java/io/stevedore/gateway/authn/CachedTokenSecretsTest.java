package io.stevedore.gateway.authn;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CachedTokenSecretsTest {

	final AtomicLong nanos = new AtomicLong(1_000);

	final AtomicInteger gets = new AtomicInteger();

	final AtomicReference<Secret> stored = new AtomicReference<>(secret("v1"));

	final AtomicReference<RuntimeException> failure = new AtomicReference<>();

	final CachedTokenSecrets cache = new CachedTokenSecrets((name) -> Mono.defer(() -> {
		this.gets.incrementAndGet();
		return this.failure.get() != null ? Mono.error(this.failure.get()) : Mono.justOrEmpty(this.stored.get());
	}), Duration.ofSeconds(5), this.nanos::get);

	@Test
	void aSecretIsReadOncePerTtlAndADeleteIsSeenAfterIt() {
		assertThat(this.cache.apply("bootstrap-token-abcdef").block()).isNotNull();
		this.stored.set(null);
		this.nanos.addAndGet(Duration.ofMillis(4_999).toNanos());
		assertThat(this.cache.apply("bootstrap-token-abcdef").block()).as("still within the TTL").isNotNull();
		assertThat(this.gets).hasValue(1);

		this.nanos.addAndGet(Duration.ofMillis(1).toNanos());
		assertThat(this.cache.apply("bootstrap-token-abcdef").block()).as("deleted, TTL passed").isNull();
		assertThat(this.gets).hasValue(2);
		this.cache.apply("bootstrap-token-abcdef").block();
		assertThat(this.gets).as("not found is kept too").hasValue(2);
	}

	@Test
	void failuresAreNotKept() {
		this.failure.set(new IllegalStateException("apiserver down"));
		assertThatThrownBy(() -> this.cache.apply("bootstrap-token-abcdef").block()).hasMessage("apiserver down");
		this.failure.set(null);
		assertThat(this.cache.apply("bootstrap-token-abcdef").block()).isNotNull();
		assertThat(this.gets).hasValue(2);
	}

	@Test
	void namesAreCachedApart() {
		this.cache.apply("bootstrap-token-aaaaaa").block();
		this.cache.apply("bootstrap-token-bbbbbb").block();
		this.cache.apply("bootstrap-token-aaaaaa").block();
		assertThat(this.gets).hasValue(2);
	}

	static Secret secret(String version) {
		return new SecretBuilder().withNewMetadata().withResourceVersion(version).endMetadata().build();
	}

}
