package io.stevedore.gateway.routing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.BaseSubscriber;

import static org.assertj.core.api.Assertions.assertThat;

class FramePipeTest {

	private final EmbeddedChannel producer = new EmbeddedChannel();

	private final FramePipe pipe = new FramePipe(10, 4);

	FramePipeTest() {
		this.pipe.producer(this.producer);
	}

	@Test
	void readingPausesAboveTheHighMarkAndResumesBelowTheLowOne() {
		Taker taker = new Taker();
		this.pipe.frames().subscribe(taker);
		for (int i = 0; i < 4; i++) {
			this.pipe.offer(frame("abc"));
		}
		// 12 bytes wait: above 10.
		assertThat(this.pipe.paused()).isTrue();
		assertThat(this.producer.config().isAutoRead()).isFalse();

		taker.request(2);
		// 6 left: not yet below 4.
		assertThat(this.producer.config().isAutoRead()).isFalse();
		taker.request(1);
		assertThat(this.pipe.paused()).isFalse();
		assertThat(this.producer.config().isAutoRead()).isTrue();
		assertThat(taker.taken).hasSize(3);
		taker.taken.forEach(WebSocketFrame::release);
	}

	@Test
	void framesQueuedBeforeTheSubscriberComeInOrderThenTheEnd() {
		WebSocketFrame first = frame("one");
		WebSocketFrame second = frame("two");
		this.pipe.offer(first);
		this.pipe.offer(second);
		this.pipe.complete();
		List<String> texts = new ArrayList<>();
		this.pipe.frames().doOnNext((frame) -> {
			texts.add(frame.content().toString(StandardCharsets.UTF_8));
			frame.release();
		}).blockLast();
		assertThat(texts).containsExactly("one", "two");
	}

	@Test
	void whenTheConsumerGoesAwayTheQueuedAndLaterFramesAreReleasedAndReadingResumes() {
		Taker taker = new Taker();
		this.pipe.frames().subscribe(taker);
		WebSocketFrame queued = frame("0123456789ab");
		this.pipe.offer(queued);
		assertThat(this.producer.config().isAutoRead()).isFalse();

		taker.cancel();
		WebSocketFrame later = frame("late");
		this.pipe.offer(later);

		assertThat(queued.refCnt()).isZero();
		assertThat(later.refCnt()).isZero();
		assertThat(this.producer.config().isAutoRead()).isTrue();
	}

	private static WebSocketFrame frame(String text) {
		return new BinaryWebSocketFrame(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
	}

	/** Takes frames only as asked. */
	private static final class Taker extends BaseSubscriber<WebSocketFrame> {

		final List<WebSocketFrame> taken = new ArrayList<>();

		@Override
		protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
		}

		@Override
		protected void hookOnNext(WebSocketFrame frame) {
			this.taken.add(frame);
		}

	}

}
