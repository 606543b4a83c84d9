package io.stevedore.nodeagent.streaming;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SPDY handshake as apimachinery's {@code httpstream.Handshake} answers it: the
 * client's order decides among the versions both speak, none sent is 400, none in common
 * 403 naming the versions accepted; only SPDY upgrades are the filter's.
 */
class SpdyUpgradeFilterTest {

	@Test
	void theFirstOfTheClientsVersionsTheServerSpeaksIsChosen() throws Exception {
		MockHttpServletRequest request = request();
		request.addHeader(SpdyUpgradeFilter.PROTOCOL_HEADER, "v5.channel.k8s.io");
		request.addHeader(SpdyUpgradeFilter.PROTOCOL_HEADER, "v3.channel.k8s.io, v4.channel.k8s.io");
		MockHttpServletResponse response = new MockHttpServletResponse();
		assertThat(SpdyUpgradeFilter.handshake(request, response, SpdyUpgradeFilter.EXEC_PROTOCOLS))
			.isEqualTo("v3.channel.k8s.io");
		assertThat(response.isCommitted()).isFalse();
	}

	@Test
	void noVersionIsABadRequest() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		assertThat(SpdyUpgradeFilter.handshake(request(), response, SpdyUpgradeFilter.EXEC_PROTOCOLS)).isNull();
		assertThat(response.getStatus()).isEqualTo(400);
		assertThat(response.getContentAsString(StandardCharsets.UTF_8))
			.isEqualTo("unable to upgrade: X-Stream-Protocol-Version is required\n");
	}

	@Test
	void noVersionInCommonIsForbiddenAndNamesTheAcceptedOnes() throws Exception {
		MockHttpServletRequest request = request();
		request.addHeader(SpdyUpgradeFilter.PROTOCOL_HEADER, "v5.channel.k8s.io");
		MockHttpServletResponse response = new MockHttpServletResponse();
		assertThat(SpdyUpgradeFilter.handshake(request, response, SpdyUpgradeFilter.EXEC_PROTOCOLS)).isNull();
		assertThat(response.getStatus()).isEqualTo(403);
		assertThat(response.getHeaders(SpdyUpgradeFilter.ACCEPTED_HEADER)).containsExactly("v4.channel.k8s.io",
				"v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io");
		assertThat(response.getContentAsString(StandardCharsets.UTF_8))
			.isEqualTo("unable to upgrade: unable to negotiate protocol: client supports [v5.channel.k8s.io], "
					+ "server accepts [v4.channel.k8s.io v3.channel.k8s.io v2.channel.k8s.io channel.k8s.io]\n");
	}

	@Test
	void onlySpdyUpgradesAreTheFilters() {
		SpdyUpgradeFilter filter = new SpdyUpgradeFilter(null, null, null, SpdyUpgradeFilter.STREAM_CREATION_TIMEOUT);
		MockHttpServletRequest websocket = request();
		websocket.removeHeader("Upgrade");
		websocket.addHeader("Upgrade", "websocket");
		assertThat(filter.shouldNotFilter(websocket)).isTrue();
		assertThat(filter.shouldNotFilter(request())).isFalse();
	}

	private static MockHttpServletRequest request() {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/exec/default/box/main");
		request.addHeader("Connection", "Upgrade");
		request.addHeader("Upgrade", "SPDY/3.1");
		return request;
	}

}
