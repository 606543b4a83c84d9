package io.stevedore.proxy.service.userspace;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;

/**
 * One side of a relayed TCP connection: what this side reads is written, as the same
 * buffer (no copy), to the peer, and flushed once per read batch (one write or writev per
 * batch instead of one per buffer).
 * <p>
 * Back-pressure: while the peer's outbound buffer is above its high water mark (a slow
 * receiver), this side stops reading; the peer's becoming writable again restarts it.
 * Auto-read stays on otherwise: switching reading off and on for every buffer, as the
 * first version did, cost two {@code epoll_ctl} calls per buffer and side.
 * <p>
 * A connection closes when either side closes or resets; the other is closed once what
 * was queued for it is written. (Half-close is not relayed, as before: an attempt to keep
 * it, {@code ALLOW_HALF_CLOSURE} with {@code shutdownOutput} on the peer, lost the tail
 * of the answer now and then in TcpRelayTest and was left out.)
 * <p>
 * Until the peer is connected (the client's side, while the endpoint's connection is
 * being made), what arrives is held: auto-read is off then, but epoll still reports a
 * client that sent its request and shut its output at once ({@code EPOLLRDHUP}), and
 * Netty reads it.
 */
class Splice extends ChannelInboundHandlerAdapter {

	private Channel peer;

	/** Held while the peer is not connected; null once it is. */
	private List<Object> early;

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
		resumeReading(self);
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

	/** Auto-read on again (a closed channel stays as it is). */
	private static void resumeReading(Channel channel) {
		if (channel.isActive() && !channel.config().isAutoRead()) {
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
