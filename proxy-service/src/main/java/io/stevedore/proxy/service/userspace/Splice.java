package io.stevedore.proxy.service.userspace;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * One side of a relayed TCP connection: what this side reads is written, as the same
 * buffer (no copy), to the peer, and flushed once per read batch (one write or writev per
 * batch instead of one per buffer).
 * <p>
 * Back-pressure: while the peer's outbound buffer is above its high water mark (a slow
 * receiver), this side stops reading; the peer's becoming writable again restarts it.
 * Auto-read stays on otherwise: switching reading off and on for every buffer, as the
 * first version did, cost two interest-set changes ({@code epoll_ctl} then) per buffer
 * and side.
 * <p>
 * Half-close is relayed, as kube-proxy's kernel rules (and its old user-space proxier's
 * {@code CloseWrite}) let it through: both connections allow half-closure, and the end of
 * one side's input becomes a {@code shutdownOutput} on the peer <em>after</em> what was
 * queued for the peer is written (Netty's {@code shutdownOutput} fails whatever is still
 * in the outbound buffer: shutting at once lost the tail of an answer now and then). A
 * connection closes once both of its directions are done; a reset or an error on either
 * side closes the other once what was queued for it is written.
 * <p>
 * Until the peer is connected (the client's side, while the endpoint's connection is
 * being made), what arrives is held: auto-read is off then, but a transport may still
 * read a client that sent its request and shut its output at once (epoll did, on
 * {@code EPOLLRDHUP}); its end is passed on once the peer is connected.
 */
class Splice extends ChannelInboundHandlerAdapter {

	private Channel peer;

	/** Held while the peer is not connected; null once it is. */
	private List<Object> early;

	/** This side's input ended while the peer was still connecting. */
	private boolean endedEarly;

	/** The client's side: the peer comes later, see {@link #peerConnecting}. */
	Splice() {
	}

	/** The endpoint's side: its peer, the client's connection, is there already. */
	Splice(Channel peer) {
		this.peer = peer;
	}

	/** The other connection, set before this one reads anything; held until connected. */
	final void peerConnecting(Channel peer) {
		this.peer = peer;
		this.early = new ArrayList<>(0);
	}

	/** The peer is connected: passes on what was held, then reads on. */
	final void peerConnected(Channel self) {
		List<Object> held = this.early;
		this.early = null;
		held.forEach(msg -> this.peer.write(msg, this.peer.voidPromise()));
		this.peer.flush();
		if (this.endedEarly) {
			shutdownOutputAfterQueued(this.peer);
		}
		resumeReading(self);
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
		if (evt instanceof ChannelInputShutdownEvent) {
			// The FIN of this side: passed on as the peer's FIN, after its queued bytes.
			if (this.early != null) {
				this.endedEarly = true;
			}
			else if (this.peer != null) {
				shutdownOutputAfterQueued(this.peer);
			}
			closeIfDone(ctx.channel());
		}
		ctx.fireUserEventTriggered(evt);
	}

	/**
	 * Shuts the channel's output once everything written to it before is on the wire
	 * (promises complete in order), then closes it if its input has ended too.
	 */
	private static void shutdownOutputAfterQueued(Channel channel) {
		channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) written -> {
			if (!written.isSuccess()) {
				channel.close();
				return;
			}
			((DuplexChannel) channel).shutdownOutput().addListener((ChannelFutureListener) shut -> {
				if (!shut.isSuccess()) {
					channel.close();
				}
				else {
					closeIfDone(channel);
				}
			});
		});
	}

	/** Both directions of the connection have ended: nothing left to relay on it. */
	private static void closeIfDone(Channel channel) {
		if (channel instanceof DuplexChannel duplex && duplex.isInputShutdown() && duplex.isOutputShutdown()) {
			channel.close();
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.early != null) {
			this.early.add(msg);
			return;
		}
		// No listener: a failed write fires exceptionCaught on the peer, which closes it.
		this.peer.write(msg, this.peer.voidPromise());
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (this.early != null) {
			return;
		}
		this.peer.flush();
		if (!this.peer.isWritable()) {
			ctx.channel().config().setAutoRead(false);
		}
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		// This side drained: its peer may read again (and the other way round).
		if (ctx.channel().isWritable() && this.peer != null) {
			resumeReading(this.peer);
		}
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		if (this.early != null) {
			this.early.forEach(ReferenceCountUtil::release);
			this.early.clear();
		}
		if (this.peer != null) {
			closeOnFlush(this.peer);
		}
	}

	/**
	 * Auto-read on again. A closed channel stays as it is, and so does one whose input
	 * has ended: there is nothing more to read (with epoll, asking failed with ENOENT).
	 */
	private static void resumeReading(Channel channel) {
		boolean ended = channel instanceof DuplexChannel duplex && duplex.isInputShutdown();
		if (channel.isActive() && !ended && !channel.config().isAutoRead()) {
			channel.config().setAutoRead(true);
		}
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		closeOnFlush(ctx.channel());
	}

	/**
	 * Closes after what is queued was written; one still connecting is closed at once
	 * (else it would stay open for nobody once connected).
	 */
	static void closeOnFlush(Channel channel) {
		if (channel.isActive()) {
			channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
		}
		else {
			channel.close();
		}
	}

	static void reset(Channel channel) {
		if (channel.isOpen()) {
			channel.config().setOption(ChannelOption.SO_LINGER, 0);
		}
		channel.close();
	}

}
