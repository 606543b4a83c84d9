package io.stevedore.gateway.routing;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** A watch's head is committed before its first event; other requests are untouched. */
class WatchHeadersFilterTest {

	@Test
	void springCommitsAStreamedAnswerOnlyWithItsFirstChunkWhichIsWhyTheFilterExists() {
		MockServerHttpResponse response = new MockServerHttpResponse();

		response.writeAndFlushWith(Flux.never()).subscribe();

		assertThat(response.isCommitted()).isFalse();
	}

	@Test
	void aWatchWithNoEventYetHasItsHeadCommittedAtOnceInBothWritingStyles() {
		MockServerHttpResponse grouped = new MockServerHttpResponse();
		MockServerHttpResponse plain = new MockServerHttpResponse();

		new WatchHeadersFilter.HeadFirst(grouped).writeAndFlushWith(Flux.never()).subscribe();
		new WatchHeadersFilter.HeadFirst(plain).writeWith(Flux.never()).subscribe();

		assertThat(grouped.isCommitted()).isTrue();
		assertThat(plain.isCommitted()).isTrue();
	}

	@Test
	void theEventsFollowTheEmptyHeadUnchanged() {
		MockServerHttpResponse response = new MockServerHttpResponse();
		Flux<DataBuffer> events = Flux.just("{\"type\":\"ADDED\"}\n", "{\"type\":\"DELETED\"}\n")
			.map((event) -> response.bufferFactory().wrap(event.getBytes(StandardCharsets.UTF_8)));

		new WatchHeadersFilter.HeadFirst(response).writeWith(events).block();

		assertThat(DataBufferUtils.join(response.getBody())
			.map((joined) -> joined.toString(StandardCharsets.UTF_8))
			.block()).isEqualTo("{\"type\":\"ADDED\"}\n{\"type\":\"DELETED\"}\n");
	}

	@Test
	void onlyWatchesAreWatchesNotUpgradesNorListsNorLogs() {
		assertThat(WatchHeadersFilter.isWatch(MockServerHttpRequest.get("/api/v1/pods?watch=true").build())).isTrue();
		assertThat(WatchHeadersFilter.isWatch(MockServerHttpRequest.get("/api/v1/pods?watch=1").build())).isTrue();
		assertThat(WatchHeadersFilter.isWatch(MockServerHttpRequest.get("/api/v1/watch/pods").build())).isTrue();
		assertThat(WatchHeadersFilter.isWatch(MockServerHttpRequest.get("/api/v1/pods?watch=false").build())).isFalse();
		assertThat(WatchHeadersFilter.isWatch(MockServerHttpRequest.get("/api/v1/pods").build())).isFalse();
		assertThat(WatchHeadersFilter
			.isWatch(MockServerHttpRequest.get("/api/v1/namespaces/a/pods/p/log?follow=true").build())).isFalse();
		assertThat(WatchHeadersFilter
			.isWatch(MockServerHttpRequest.get("/api/v1/pods?watch=true").header("Upgrade", "websocket").build()))
			.isFalse();
	}

}
