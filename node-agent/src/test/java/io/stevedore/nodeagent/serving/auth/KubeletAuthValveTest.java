package io.stevedore.nodeagent.serving.auth;

import java.util.Collections;
import java.util.List;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.client.websocket.BearerTokenProtocol;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token subprotocol is taken out of a real Tomcat request before anything after the
 * valve reads it; a request that does not authenticate gets the apiserver's Status. The
 * whole path (a WebSocket client, the agent, its TokenReview and SubjectAccessReview):
 * {@code KubeletServingTlsIT}.
 */
class KubeletAuthValveTest {

	private static final String TOKEN_PROTOCOL = BearerTokenProtocol.of("secret-token");

	@Test
	void aRequestThatDoesNotAuthenticateIsAnsweredWithTheApiserversUnauthorizedStatus() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();

		KubeletAuthValve.unauthorized(response);

		assertThat(response.getStatus()).isEqualTo(401);
		assertThat(response.getContentType()).isEqualTo("application/json");
		assertThat(response.getContentLength()).isEqualTo(response.getContentAsByteArray().length);
		Status status = Serialization.unmarshal(response.getContentAsString(), Status.class);
		assertThat(status.getKind()).isEqualTo("Status");
		assertThat(status.getApiVersion()).isEqualTo("v1");
		assertThat(status.getStatus()).isEqualTo("Failure");
		assertThat(status.getReason()).isEqualTo("Unauthorized");
		assertThat(status.getMessage()).isEqualTo("Unauthorized");
		assertThat(status.getCode()).isEqualTo(401);
	}

	@Test
	void aWebSocketUpgradeLosesTheTokenProtocolAndKeepsTheOthers() {
		Request request = request("Upgrade", "websocket", "v5.channel.k8s.io, " + TOKEN_PROTOCOL, "v4.channel.k8s.io");

		BearerTokenProtocol.Offer offer = KubeletAuthValve.takeTokenProtocol(request);

		assertThat(offer.token()).isEqualTo("secret-token");
		assertThat(Collections.list(request.getHeaders(BearerTokenProtocol.HEADER)))
			.containsExactly("v5.channel.k8s.io, v4.channel.k8s.io");
	}

	@Test
	void aMalformedTokenProtocolIsTakenOutTooAndNamesTheProblem() {
		Request request = request("Upgrade", "websocket", "v5.channel.k8s.io, " + BearerTokenProtocol.PREFIX + "a=b");

		BearerTokenProtocol.Offer offer = KubeletAuthValve.takeTokenProtocol(request);

		assertThat(offer.token()).isNull();
		assertThat(offer.error()).isEqualTo("invalid base64.bearer.authorization token encoding");
		assertThat(request.getHeader(BearerTokenProtocol.HEADER)).isEqualTo("v5.channel.k8s.io");
	}

	@Test
	void aTokenProtocolAloneLeavesNoProtocolHeader() {
		Request request = request("Upgrade", "websocket", TOKEN_PROTOCOL);

		assertThat(KubeletAuthValve.takeTokenProtocol(request).error()).isEqualTo("missing additional subprotocol");
		assertThat(request.getHeader(BearerTokenProtocol.HEADER)).isNull();
	}

	@Test
	void anythingButAWebSocketUpgradeIsLeftAlone() {
		Request spdy = request("Upgrade", "SPDY/3.1", "v4.channel.k8s.io, " + TOKEN_PROTOCOL);
		Request plain = request("keep-alive", null, "v4.channel.k8s.io, " + TOKEN_PROTOCOL);

		assertThat(KubeletAuthValve.takeTokenProtocol(spdy).token()).isNull();
		assertThat(KubeletAuthValve.takeTokenProtocol(plain).token()).isNull();
		assertThat(spdy.getHeader(BearerTokenProtocol.HEADER)).contains(TOKEN_PROTOCOL);
		assertThat(plain.getHeader(BearerTokenProtocol.HEADER)).contains(TOKEN_PROTOCOL);
	}

	private static Request request(String connection, String upgrade, String... protocols) {
		org.apache.coyote.Request coyote = new org.apache.coyote.Request();
		coyote.getMimeHeaders().addValue("Connection").setString(connection);
		if (upgrade != null) {
			coyote.getMimeHeaders().addValue("Upgrade").setString(upgrade);
		}
		for (String protocol : List.of(protocols)) {
			coyote.getMimeHeaders().addValue(BearerTokenProtocol.HEADER).setString(protocol);
		}
		return new Request(new Connector(), coyote);
	}

}
