package io.stevedore.gateway.fastpath;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.stevedore.gateway.audit.AuditLevel;
import io.stevedore.gateway.audit.AuditLog;
import io.stevedore.gateway.audit.AuditPolicy;
import io.stevedore.gateway.authn.BootstrapTokenAuthenticator;
import io.stevedore.gateway.authn.RequestAuthenticator;
import io.stevedore.gateway.authn.StaticTokenAuthenticator;
import io.stevedore.gateway.authz.RbacAuthorizer;
import io.stevedore.gateway.authz.RbacLister;
import io.stevedore.gateway.limits.InFlightLimiter;
import io.stevedore.gateway.limits.RequestLimitFilter;
import io.stevedore.gateway.limits.TokenBuckets;
import io.stevedore.gateway.rbac.DefaultRoles;
import io.stevedore.gateway.routing.UpstreamPool;
import io.stevedore.gateway.status.StatusResponses;
import org.junit.jupiter.api.AfterEach;
import reactor.core.publisher.Mono;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast path between EmbeddedChannels: the client connection after its HTTP codec
 * (HttpRequest in, HttpResponse out; what falls through comes out as inbound) and
 * apiserver connections with a real HttpClientCodec fed raw HTTP/1.1 bytes. RBAC is the
 * real authorizer over the default roles plus jane's view binding in "default"; the audit
 * log a real file.
 */
class FastPathHandlerTest {

	static final URI FIRST = URI.create("http://127.0.0.1:1");

	static final URI SECOND = URI.create("http://127.0.0.1:2");

	static final String POD = "/api/v1/namespaces/default/pods/web";

	static final String OK = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{\"kind\":\"Pod\"}";

	@TempDir
	Path directory;

	/** Every apiserver connection opened, in order, and where to. */
	final List<EmbeddedChannel> upstreams = new ArrayList<>();

	final List<URI> connectedTo = new ArrayList<>();

	/** Apiservers whose connections are refused. */
	final List<URI> refusing = new ArrayList<>();

	AuditLog auditLog;

	EmbeddedChannel client;

	FastPath fastPath(List<URI> apiservers, TokenBuckets buckets) throws IOException {
		RequestAuthenticator authenticator = new RequestAuthenticator(List.of(StaticTokenAuthenticator.parse("""
				jane-token,jane,1001,"developers"
				node-token,system:node:n1,1002,"system:nodes"
				""", "tokens"), new BootstrapTokenAuthenticator((name) -> Mono.empty(), Clock.systemUTC())));
		this.auditLog = new AuditLog(this.directory.resolve("audit.log"));
		UpstreamChannels.Connector connector = (loop, type, url, handler) -> {
			EmbeddedChannel upstream = new EmbeddedChannel(handler);
			if (this.refusing.contains(url)) {
				upstream.close();
				return upstream.newFailedFuture(new ConnectException("Connection refused: " + url));
			}
			this.upstreams.add(upstream);
			this.connectedTo.add(url);
			return upstream.newSucceededFuture();
		};
		return new FastPath(authenticator, new RequestLimitFilter(new InFlightLimiter(400, 200), buckets, null),
				new RbacAuthorizer(new JaneViewsDefault()), this.auditLog, AuditPolicy.defaults(AuditLevel.Metadata),
				Clock.systemUTC(), new UpstreamPool(apiservers, UpstreamPool.defaultBreakers()),
				new UpstreamChannels(connector, 1), Duration.ZERO, null);
	}

	EmbeddedChannel client(List<URI> apiservers) throws IOException {
		return client(apiservers, new TokenBuckets(0, 1, System::nanoTime));
	}

	EmbeddedChannel client(List<URI> apiservers, TokenBuckets buckets) throws IOException {
		this.client = new EmbeddedChannel(new FastPathHandler(fastPath(apiservers, buckets), false));
		return this.client;
	}

	@AfterEach
	void close() throws IOException {
		if (this.client != null) {
			this.client.finishAndReleaseAll();
		}
		this.upstreams.forEach(EmbeddedChannel::finishAndReleaseAll);
		if (this.auditLog != null) {
			this.auditLog.close();
		}
	}

	static FullHttpRequest get(String uri, String token) {
		FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
		if (token != null) {
			request.headers().set("Authorization", "Bearer " + token);
		}
		request.headers().set("User-Agent", "kubectl/v1.34");
		return request;
	}

	/** What the apiserver connection was sent, as text. */
	static String sent(EmbeddedChannel upstream) {
		StringBuilder text = new StringBuilder();
		ByteBuf buf;
		while ((buf = upstream.readOutbound()) != null) {
			text.append(buf.toString(StandardCharsets.ISO_8859_1));
			buf.release();
		}
		return text.toString();
	}

	static void answer(EmbeddedChannel upstream, String http) {
		upstream.writeInbound(Unpooled.copiedBuffer(http, StandardCharsets.ISO_8859_1));
	}

	/** The client's answer: head, then the body as text. */
	record Answer(HttpResponse head, String body) {
	}

	Answer answer() {
		HttpResponse head = this.client.readOutbound();
		StringBuilder body = new StringBuilder();
		if (head instanceof FullHttpResponse full) {
			body.append(full.content().toString(StandardCharsets.UTF_8));
			full.release();
			return new Answer(head, body.toString());
		}
		Object part;
		while ((part = this.client.readOutbound()) != null) {
			HttpContent content = (HttpContent) part;
			body.append(content.content().toString(StandardCharsets.UTF_8));
			content.release();
			if (content instanceof LastHttpContent) {
				break;
			}
		}
		return new Answer(head, body.toString());
	}

	List<JsonNode> auditEvents() throws IOException {
		this.auditLog.flush();
		List<JsonNode> events = new ArrayList<>();
		for (String line : Files.readAllLines(this.directory.resolve("audit.log"))) {
			events.add(StatusResponses.JSON.readTree(line));
		}
		return events;
	}

	@Test
	void aPermittedGetGoesToTheApiserverAsTheUserWithForgedIdentityHeadersRemoved() throws IOException {
		client(List.of(FIRST));
		FullHttpRequest request = get(POD + "?resourceVersion=0", "jane-token");
		request.headers().add("X-Remote-User", "admin").add("X-Remote-Group", "system:masters");
		request.headers().add("x-remote-extra-scopes", "all");
		this.client.writeInbound(request);

		assertThat(this.upstreams).hasSize(1);
		String sent = sent(this.upstreams.get(0));
		assertThat(sent).startsWith("GET " + POD + "?resourceVersion=0 HTTP/1.1\r\n")
			.contains("X-Remote-User: jane\r\n", "X-Remote-Uid: 1001\r\n", "X-Remote-Group: developers\r\n",
					"X-Remote-Group: system:authenticated\r\n", "User-Agent: kubectl/v1.34\r\n",
					"Host: 127.0.0.1:1\r\n")
			.doesNotContain("admin", "system:masters", "Authorization", "x-remote-extra-scopes");
		assertThat((Object) this.client.readOutbound()).isNull();

		answer(this.upstreams.get(0), OK);
		Answer answer = answer();
		assertThat(answer.head().status().code()).isEqualTo(200);
		assertThat(answer.head().headers().get("Content-Type")).isEqualTo("application/json");
		assertThat(answer.head().headers().get("Audit-Id")).isNotBlank();
		assertThat(answer.body()).isEqualTo("{\"kind\":\"Pod\"}");

		List<JsonNode> events = auditEvents();
		assertThat(events).hasSize(1);
		JsonNode event = events.get(0);
		assertThat(event.path("stage").asText()).isEqualTo("ResponseComplete");
		assertThat(event.path("level").asText()).isEqualTo("Metadata");
		assertThat(event.path("auditID").asText()).isEqualTo(answer.head().headers().get("Audit-Id"));
		assertThat(event.path("verb").asText()).isEqualTo("get");
		assertThat(event.path("requestURI").asText()).isEqualTo(POD + "?resourceVersion=0");
		assertThat(event.path("user").path("username").asText()).isEqualTo("jane");
		assertThat(event.path("objectRef").path("name").asText()).isEqualTo("web");
		assertThat(event.path("responseStatus").path("code").asInt()).isEqualTo(200);
		assertThat(event.path("annotations").path("authorization.k8s.io/decision").asText()).isEqualTo("allow");

		// the connection is kept for the next request
		this.client.writeInbound(get(POD, "jane-token"));
		assertThat(this.upstreams).hasSize(1);
		assertThat(sent(this.upstreams.get(0))).startsWith("GET " + POD + " HTTP/1.1");
		answer(this.upstreams.get(0), OK);
		assertThat(answer().head().status().code()).isEqualTo(200);
	}

	@Test
	void requestsItDoesNotTakeReachTheReactivePathUntouched() throws IOException {
		client(List.of(FIRST));
		List<HttpRequest> others = new ArrayList<>();
		others.add(get(POD + "?watch=true", "jane-token"));
		others.add(get("/api/v1/namespaces/default/pods/web/log", "jane-token"));
		others
			.add(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/namespaces/default/pods"));
		HttpRequest impersonating = get(POD, "jane-token");
		impersonating.headers().set("Impersonate-User", "bob");
		others.add(impersonating);
		HttpRequest upgrade = get("/api/v1/namespaces/default/pods/web/exec", "jane-token");
		upgrade.headers().set("Upgrade", "SPDY/3.1").set("Connection", "Upgrade");
		others.add(upgrade);
		others.add(get("/api/v1/namespaces/default/pods/../secrets", "jane-token"));
		others.add(get("/actuator/health", null));
		others.add(get("/.well-known/openid-configuration", null));
		// a token only a lookup can decide and a node's (the Node authorizer may look up
		// pods)
		others.add(get(POD, "abcdef.0123456789abcdef"));
		others.add(get("/api/v1/namespaces/default/secrets/s", "node-token"));
		for (HttpRequest request : others) {
			this.client.writeInbound(request);
			HttpRequest passed = this.client.readInbound();
			assertThat((Object) passed).as(request.method() + " " + request.uri()).isSameAs(request);
			// the reactive answer, so the next request may take the fast path again
			this.client.writeOutbound(new io.netty.handler.codec.http.DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
					io.netty.handler.codec.http.HttpResponseStatus.OK));
			((FullHttpResponse) this.client.readOutbound()).release();
			((FullHttpRequest) passed).release();
		}
		assertThat(this.upstreams).isEmpty();
		this.auditLog.flush();
		assertThat(Files.exists(this.directory.resolve("audit.log"))
				&& !Files.readString(this.directory.resolve("audit.log")).isEmpty())
			.isFalse();
	}

	@Test
	void whileAReactiveAnswerIsOutstandingTheNextRequestFollowsIt() throws IOException {
		client(List.of(FIRST));
		FullHttpRequest watch = get(POD + "?watch=1", "jane-token");
		this.client.writeInbound(watch);
		FullHttpRequest next = get(POD, "jane-token");
		this.client.writeInbound(next);
		assertThat((Object) this.client.readInbound()).isSameAs(watch);
		assertThat((Object) this.client.readInbound()).isSameAs(next);
		assertThat(this.upstreams).isEmpty();
		watch.release();
		next.release();
	}

	@Test
	void aRefusedTokenIs401WithNothingSentUpstream() throws IOException {
		client(List.of(FIRST));
		this.client.writeInbound(get(POD, "wrong-token"));
		Answer answer = answer();
		assertThat(answer.head().status().code()).isEqualTo(401);
		JsonNode status = StatusResponses.JSON.readTree(answer.body());
		assertThat(status.path("kind").asText()).isEqualTo("Status");
		assertThat(status.path("reason").asText()).isEqualTo("Unauthorized");
		assertThat(status.path("code").asInt()).isEqualTo(401);
		assertThat(this.upstreams).isEmpty();
		JsonNode event = auditEvents().get(0);
		assertThat(event.path("responseStatus").path("code").asInt()).isEqualTo(401);
		assertThat(event.path("user").isEmpty()).isTrue();
	}

	@Test
	void aDeniedReadIsKubernetes403WithNothingSentUpstream() throws IOException {
		client(List.of(FIRST));
		this.client.writeInbound(get("/api/v1/namespaces/kube-system/pods", "jane-token"));
		Answer answer = answer();
		assertThat(answer.head().status().code()).isEqualTo(403);
		JsonNode status = StatusResponses.JSON.readTree(answer.body());
		assertThat(status.path("message").asText()).isEqualTo(
				"pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" in the namespace \"kube-system\"");
		assertThat(status.path("details").path("kind").asText()).isEqualTo("pods");
		assertThat(this.upstreams).isEmpty();
		JsonNode event = auditEvents().get(0);
		assertThat(event.path("responseStatus").path("code").asInt()).isEqualTo(403);
		assertThat(event.path("annotations").path("authorization.k8s.io/decision").asText()).isEqualTo("forbid");
		// anonymous is 403 too (system:anonymous has no binding)
		this.client.writeInbound(get(POD, null));
		assertThat(answer().head().status().code()).isEqualTo(403);
	}

	@Test
	void aUserOverTheRateLimitGets429WithRetryAfter() throws IOException {
		client(List.of(FIRST), new TokenBuckets(0.001, 1, () -> 0L));
		this.client.writeInbound(get(POD, "jane-token"));
		answer(this.upstreams.get(0), OK);
		assertThat(answer().head().status().code()).isEqualTo(200);
		this.client.writeInbound(get(POD, "jane-token"));
		Answer refused = answer();
		assertThat(refused.head().status().code()).isEqualTo(429);
		assertThat(refused.head().headers().get("Retry-After")).isEqualTo("1");
		JsonNode status = StatusResponses.JSON.readTree(refused.body());
		assertThat(status.path("reason").asText()).isEqualTo("TooManyRequests");
		assertThat(status.path("message").asText()).isEqualTo("Too many requests, please try again later.");
		assertThat(status.path("details").path("retryAfterSeconds").asInt()).isEqualTo(1);
		assertThat(this.upstreams).hasSize(1);
	}

	@Test
	void aReadIsRetriedOnTheNextApiserverWhenTheFirstRefusesTheConnection() throws IOException {
		this.refusing.add(FIRST);
		client(List.of(FIRST, SECOND));
		this.client.writeInbound(get(POD, "jane-token"));
		assertThat(this.connectedTo).containsExactly(SECOND);
		assertThat(sent(this.upstreams.get(0))).contains("Host: 127.0.0.1:2");
		answer(this.upstreams.get(0), OK);
		assertThat(answer().head().status().code()).isEqualTo(200);
	}

	@Test
	void aReadIsRetriedWhenTheApiserverClosesBeforeAnswering() throws IOException {
		client(List.of(FIRST, SECOND));
		this.client.writeInbound(get(POD, "jane-token"));
		this.upstreams.get(0).close();
		assertThat(this.upstreams).hasSize(2);
		answer(this.upstreams.get(1), OK);
		assertThat(answer().head().status().code()).isEqualTo(200);
	}

	@Test
	void aReadAnswered503IsRetriedAndTheDroppedAnswerNeverReachesTheClient() throws IOException {
		client(List.of(FIRST, SECOND));
		this.client.writeInbound(get(POD, "jane-token"));
		answer(this.upstreams.get(0), "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy");
		assertThat((Object) this.client.readOutbound()).isNull();
		assertThat(this.connectedTo).containsExactly(FIRST, SECOND);
		answer(this.upstreams.get(1), OK);
		Answer answer = answer();
		assertThat(answer.head().status().code()).isEqualTo(200);
		assertThat(answer.body()).isEqualTo("{\"kind\":\"Pod\"}");
	}

	@Test
	void whenEveryAttemptFailsTheClientGetsA503Status() throws IOException {
		this.refusing.add(FIRST);
		client(List.of(FIRST));
		this.client.writeInbound(get(POD, "jane-token"));
		Answer answer = answer();
		assertThat(answer.head().status().code()).isEqualTo(503);
		assertThat(StatusResponses.JSON.readTree(answer.body()).path("kind").asText()).isEqualTo("Status");
		assertThat(auditEvents().get(0).path("responseStatus").path("code").asInt()).isEqualTo(503);
	}

	@Test
	void aClientClosingMidResponseClosesTheApiserverConnectionWhichIsNotReused() throws IOException {
		client(List.of(FIRST));
		this.client.writeInbound(get("/api/v1/namespaces/default/pods", "jane-token"));
		EmbeddedChannel upstream = this.upstreams.get(0);
		answer(upstream, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"ite\r\n");
		HttpResponse head = this.client.readOutbound();
		assertThat(head.status().code()).isEqualTo(200);
		assertThat(head.headers().get("Transfer-Encoding")).isEqualTo("chunked");
		this.client.close();
		assertThat(upstream.isActive()).isFalse();
		JsonNode event = auditEvents().get(0);
		assertThat(event.path("responseStatus").path("code").asInt()).isEqualTo(200);
	}

	@Test
	void theApiserverClosingMidResponseCutsTheClientConnection() throws IOException {
		client(List.of(FIRST, SECOND));
		this.client.writeInbound(get("/api/v1/namespaces/default/pods", "jane-token"));
		answer(this.upstreams.get(0), "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"items\"");
		this.upstreams.get(0).close();
		assertThat(this.client.isActive()).isFalse();
		assertThat(this.upstreams).hasSize(1);
	}

	/** The default roles and bindings, and jane bound to view in "default". */
	static final class JaneViewsDefault implements RbacLister {

		@Override
		public List<ClusterRoleBinding> clusterRoleBindings() {
			return DefaultRoles.clusterRoleBindings();
		}

		@Override
		public List<RoleBinding> roleBindings(String namespace) {
			if (!namespace.equals("default")) {
				return List.of();
			}
			return List.of(new RoleBindingBuilder().withNewMetadata()
				.withNamespace("default")
				.withName("jane-view")
				.endMetadata()
				.withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "view")
				.withSubjects(new SubjectBuilder().withKind("User").withName("jane").build())
				.build());
		}

		@Override
		public Optional<ClusterRole> clusterRole(String name) {
			return DefaultRoles.clusterRoles()
				.stream()
				.filter((r) -> r.getMetadata().getName().equals(name))
				.findFirst();
		}

		@Override
		public List<ClusterRole> clusterRoles() {
			return DefaultRoles.clusterRoles();
		}

		@Override
		public Optional<Role> role(String namespace, String name) {
			return Optional.empty();
		}

	}

}
