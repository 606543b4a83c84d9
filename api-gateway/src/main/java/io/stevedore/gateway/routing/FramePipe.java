package io.stevedore.gateway.routing;

import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCounted;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The frames of one direction of a relayed stream, between the connection they come from
 * (the producer) and the one they go to. The producer's frames are taken as they arrive
 * and queued here rather than left in Reactor Netty's receive queue, which is dropped
 * when the connection closes: the node agent closes right after its last frames, so those
 * would be lost. To keep the queue bounded, reading from the producer pauses while more
 * than {@code high} bytes wait and resumes below {@code low}.
 * <p>
 * Threading: {@link #offer} and {@link #complete} on the producer's event loop; the
 * frames are taken on the consumer's.
 */
final class FramePipe {

	private final Sinks.Many<WebSocketFrame> frames = Sinks.many().unicast().onBackpressureBuffer();

	private final AtomicLong queuedBytes = new AtomicLong();

	private final long high;

	private final long low;

	private volatile Channel producer;

	private volatile boolean paused;

	private volatile boolean abandoned;

	FramePipe(long high, long low) {
		this.high = high;
		this.low = low;
	}

	/**
	 * The connection the frames come from, to pause its reading when the queue is full.
	 */
	void producer(Channel channel) {
		this.producer = channel;
	}

	/** Takes a frame the caller has retained; releases it if nobody will take it now. */
	void offer(WebSocketFrame frame) {
		int size = frame.content().readableBytes();
		if (this.abandoned) {
			frame.release();
			return;
		}
		this.queuedBytes.addAndGet(size);
		if (this.frames.tryEmitNext(frame).isFailure()) {
			this.queuedBytes.addAndGet(-size);
			frame.release();
			return;
		}
		Channel channel = this.producer;
		if (channel != null && !this.paused && this.queuedBytes.get() > this.high) {
			this.paused = true;
			channel.config().setAutoRead(false);
		}
	}

	/** No more frames: the consumer ends after the queued ones. */
	void complete() {
		this.frames.tryEmitComplete();
	}

	/** The queued frames and then whatever comes, for one subscriber. */
	Flux<WebSocketFrame> frames() {
		return this.frames.asFlux().doOnNext((frame) -> {
			long left = this.queuedBytes.addAndGet(-frame.content().readableBytes());
			if (this.paused && left < this.low) {
				resume();
			}
		})
			// The consumer went away: drop the rest and let the producer run to its end.
			.doOnCancel(this::abandon)
			.doOnDiscard(ReferenceCounted.class, FramePipe::release);
	}

	/** Whether reading from the producer is paused now. */
	boolean paused() {
		return this.paused;
	}

	private void abandon() {
		this.abandoned = true;
		resume();
	}

	private void resume() {
		this.paused = false;
		Channel channel = this.producer;
		if (channel != null) {
			channel.config().setAutoRead(true);
		}
	}

	private static void release(ReferenceCounted frame) {
		if (frame.refCnt() > 0) {
			frame.release();
		}
	}

}
