package io.stevedore.gateway.serviceaccount;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CachedObjectLookupTest {

	final AtomicLong nanos = new AtomicLong();

	final AtomicInteger gets = new AtomicInteger();

	@Test
	void answersWithinTheTtlComeFromTheCacheAndAfterItFromTheApiserver() {
		CachedObjectLookup cache = new CachedObjectLookup(counting(Mono.just(LiveObject.of("u1"))),
				Duration.ofSeconds(5), this.nanos::get);

		assertThat(cache.get(ObjectKind.POD, "ns", "p").block().uid()).isEqualTo("u1");
		this.nanos.addAndGet(Duration.ofSeconds(4).toNanos());
		assertThat(cache.get(ObjectKind.POD, "ns", "p").block().uid()).isEqualTo("u1");
		assertThat(this.gets).hasValue(1);

		this.nanos.addAndGet(Duration.ofSeconds(2).toNanos());
		cache.get(ObjectKind.POD, "ns", "p").block();
		assertThat(this.gets).hasValue(2);
	}

	@Test
	void notFoundIsCachedToo() {
		CachedObjectLookup cache = new CachedObjectLookup(counting(Mono.empty()), Duration.ofSeconds(5),
				this.nanos::get);

		assertThat(cache.get(ObjectKind.SERVICE_ACCOUNT, "ns", "gone").blockOptional()).isEmpty();
		assertThat(cache.get(ObjectKind.SERVICE_ACCOUNT, "ns", "gone").blockOptional()).isEmpty();
		assertThat(this.gets).hasValue(1);
	}

	@Test
	void failuresAreNotCached() {
		CachedObjectLookup cache = new CachedObjectLookup(counting(Mono.error(new IllegalStateException("down"))),
				Duration.ofSeconds(5), this.nanos::get);

		assertThatThrownBy(() -> cache.get(ObjectKind.POD, "ns", "p").block()).hasMessageContaining("down");
		assertThatThrownBy(() -> cache.get(ObjectKind.POD, "ns", "p").block()).hasMessageContaining("down");
		assertThat(this.gets).hasValue(2);
	}

	@Test
	void differentObjectsAreDifferentEntries() {
		CachedObjectLookup cache = new CachedObjectLookup(counting(Mono.just(LiveObject.of("u1"))),
				Duration.ofSeconds(5), this.nanos::get);

		cache.get(ObjectKind.POD, "ns", "p").block();
		cache.get(ObjectKind.SECRET, "ns", "p").block();
		cache.get(ObjectKind.POD, "other", "p").block();
		assertThat(this.gets).hasValue(3);
	}

	private ObjectLookup counting(Mono<LiveObject> answer) {
		return (kind, namespace, name) -> Mono.defer(() -> {
			this.gets.incrementAndGet();
			return answer;
		});
	}

}
