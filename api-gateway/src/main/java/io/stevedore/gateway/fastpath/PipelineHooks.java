package io.stevedore.gateway.fastpath;

import java.lang.reflect.Field;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.NettyPipeline;

/**
 * Puts a {@link FastPathHandler} where it sees requests as {@code HttpRequest}s before
 * Reactor Netty does: on an HTTP/1.1 connection right before Reactor's
 * {@code httpTrafficHandler} (after the HttpServerCodec); on an h2 connection in every
 * stream's child channel, before Reactor's stream bridge (after the frame-to-HttpObject
 * codec). With ALPN the protocol handlers exist only once the TLS handshake is done, so a
 * small installer waits for it: Reactor's ALPN handler configures the pipeline before it
 * passes the handshake event on.
 */
final class PipelineHooks {

	private static final Logger log = LoggerFactory.getLogger(PipelineHooks.class);

	static final String HANDLER = "stevedore.fastPath";

	private static final String INSTALLER = "stevedore.fastPathInstaller";

	/** Reactor Netty's handler that picks HTTP/1.1 or h2 after ALPN. */
	private static final String ALPN = "reactor.left.h2OrHttp11Codec";

	private static final String MULTIPLEX = "reactor.left.h2MultiplexHandler";

	private static volatile boolean h2Unreachable;

	private PipelineHooks() {
	}

	/** Called as each connection's pipeline is initialised. */
	static void install(Channel channel, FastPath fastPath) {
		ChannelPipeline pipeline = channel.pipeline();
		if (!installNow(pipeline, fastPath) && pipeline.get(ALPN) != null) {
			pipeline.addAfter(ALPN, INSTALLER, new Installer(fastPath));
		}
	}

	/** Whether the pipeline had its protocol handlers and got the fast path. */
	private static boolean installNow(ChannelPipeline pipeline, FastPath fastPath) {
		if (pipeline.get(NettyPipeline.HttpTrafficHandler) != null && pipeline.get(NettyPipeline.HttpCodec) != null) {
			pipeline.addBefore(NettyPipeline.HttpTrafficHandler, HANDLER, new FastPathHandler(fastPath, false));
			return true;
		}
		ChannelHandler multiplex = pipeline.get(MULTIPLEX);
		if (multiplex instanceof Http2MultiplexHandler) {
			ChannelHandler streams = streamInitializer(multiplex);
			if (streams != null) {
				pipeline.replace(MULTIPLEX, MULTIPLEX, new Http2MultiplexHandler(new ChannelInitializer<>() {
					@Override
					protected void initChannel(Channel stream) {
						// Reactor's stream initialiser runs at once (the channel is
						// registered), so its handlers are there when ours goes in.
						stream.pipeline().addLast(streams);
						if (stream.pipeline().get(NettyPipeline.HttpTrafficHandler) != null) {
							stream.pipeline()
								.addBefore(NettyPipeline.HttpTrafficHandler, HANDLER,
										new FastPathHandler(fastPath, true));
						}
					}
				}));
			}
			return true;
		}
		return false;
	}

	/**
	 * Reactor's per-stream initialiser, which Http2MultiplexHandler keeps in a private
	 * field: Reactor Netty offers no hook into stream pipelines. When a Netty upgrade
	 * renames it, h2 requests take the reactive path only (logged once).
	 */
	private static ChannelHandler streamInitializer(ChannelHandler multiplex) {
		if (h2Unreachable) {
			return null;
		}
		try {
			Field field = Http2MultiplexHandler.class.getDeclaredField("inboundStreamHandler");
			field.setAccessible(true);
			return (ChannelHandler) field.get(multiplex);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			h2Unreachable = true;
			log.warn("the fast path cannot reach h2 streams ({}); h2 requests take the reactive path", ex.toString());
			return null;
		}
	}

	/** Waits for ALPN's choice, then installs the fast path and leaves. */
	private static final class Installer extends ChannelInboundHandlerAdapter {

		private final FastPath fastPath;

		Installer(FastPath fastPath) {
			this.fastPath = fastPath;
		}

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
			if (evt instanceof SslHandshakeCompletionEvent handshake) {
				if (handshake.isSuccess()) {
					installNow(ctx.pipeline(), this.fastPath);
				}
				ctx.pipeline().remove(this);
			}
			super.userEventTriggered(ctx, evt);
		}

	}

}
