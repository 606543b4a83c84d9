package io.stevedore.gateway.admission;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.stevedore.gateway.admission.AdmissionReviewHandler.Phase;
import io.stevedore.gateway.status.StatusResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServer;

import org.springframework.context.SmartLifecycle;

/**
 * The admission endpoints the apiservers call, on a plain-HTTP listener of its own bound
 * to loopback, beside the public TLS port. Not on :6443 because the callers are the
 * apiservers, which hold no client certificate and sit behind the same loopback trust
 * boundary as their own listener; and a separate listener keeps client traffic from ever
 * reaching it.
 *
 * <pre>
 * POST /admission/mutate    AdmissionReview → allowed + JSONPatch, or the refusal's Status
 * POST /admission/validate  AdmissionReview → allowed, or the refusal's Status
 * GET  /admission/resources {"resources":["/pods", ...]}: what the apiserver must send
 * </pre>
 *
 * Plugins may wait on a lookup, so reviews run on the bounded-elastic scheduler, never on
 * the event loop.
 */
public final class AdmissionServer implements SmartLifecycle {

	public static final String MUTATE_PATH = "/admission/mutate";

	public static final String VALIDATE_PATH = "/admission/validate";

	public static final String RESOURCES_PATH = "/admission/resources";

	private static final Logger log = LoggerFactory.getLogger(AdmissionServer.class);

	private final AdmissionReviewHandler handler;

	private final String address;

	private final int port;

	/**
	 * Open connections, closed on stop: a keep-alive connection would outlive the server.
	 */
	private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

	private DisposableServer server;

	public AdmissionServer(AdmissionReviewHandler handler, String address, int port) {
		this.handler = handler;
		this.address = address;
		this.port = port;
	}

	@Override
	public synchronized void start() {
		this.server = HttpServer.create()
			.channelGroup(this.connections)
			.host(this.address)
			.port(this.port)
			.route((routes) -> routes.post(MUTATE_PATH, (request, response) -> review(Phase.MUTATE, request, response))
				.post(VALIDATE_PATH, (request, response) -> review(Phase.VALIDATE, request, response))
				.get(RESOURCES_PATH,
						(request, response) -> json(response, HttpResponseStatus.OK,
								Mono.fromCallable(this.handler::resources))))
			.bindNow(Duration.ofSeconds(10));
		log.info("admission endpoints listening address={} port={}", this.address, this.server.port());
	}

	private Mono<Void> review(Phase phase, HttpServerRequest request, HttpServerResponse response) {
		Mono<byte[]> answer = request.receive()
			.aggregate()
			.asByteArray()
			.defaultIfEmpty(new byte[0])
			.publishOn(Schedulers.boundedElastic())
			.map((body) -> {
				try {
					return this.handler.handle(phase, body);
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
		return answer.flatMap((bytes) -> send(response, HttpResponseStatus.OK, bytes))
			.onErrorResume(IllegalArgumentException.class,
					(ex) -> send(response, HttpResponseStatus.BAD_REQUEST,
							statusJson(400, "BadRequest", ex.getMessage())))
			.onErrorResume((ex) -> {
				log.warn("admission review failed phase={}", phase, ex);
				return send(response, HttpResponseStatus.INTERNAL_SERVER_ERROR,
						statusJson(500, "InternalError", "Internal error occurred: " + ex.getMessage()));
			});
	}

	private static Mono<Void> json(HttpServerResponse response, HttpResponseStatus status, Mono<byte[]> body) {
		return body.flatMap((bytes) -> send(response, status, bytes));
	}

	private static Mono<Void> send(HttpServerResponse response, HttpResponseStatus status, byte[] bytes) {
		return response.status(status)
			.header("Content-Type", "application/json")
			.sendByteArray(Mono.just(bytes))
			.then();
	}

	private static byte[] statusJson(int code, String reason, String message) {
		try {
			return StatusResponses.JSON.writeValueAsBytes(StatusResponses.failure(code, reason, message, null));
		}
		catch (IOException ex) {
			return message.getBytes(StandardCharsets.UTF_8);
		}
	}

	/** The bound port (the configured one, or the one picked for port 0). */
	public synchronized int port() {
		return this.server == null ? -1 : this.server.port();
	}

	@Override
	public synchronized void stop() {
		if (this.server != null) {
			this.server.disposeNow(Duration.ofSeconds(5));
			this.connections.close().awaitUninterruptibly(5_000);
			this.server = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.server != null;
	}

}
