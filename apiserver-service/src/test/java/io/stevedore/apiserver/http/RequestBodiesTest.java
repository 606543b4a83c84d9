package io.stevedore.apiserver.http;

import java.nio.charset.StandardCharsets;

import io.stevedore.machinery.errors.ApiException;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestBodiesTest {

	private static final int LIMIT = 16;

	@Test
	void aBodyWithItsLengthDeclaredIsReadWhole() throws Exception {
		MockHttpServletRequest request = request("{\"a\":1}");

		assertThat(new String(RequestBodies.read(request, LIMIT), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
	}

	@Test
	void aRequestWithoutABodyReadsAsEmpty() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/pods");

		assertThat(RequestBodies.read(request, LIMIT)).isEmpty();
	}

	@Test
	void aChunkedBodyWithNoDeclaredLengthIsReadUpToTheLimit() throws Exception {
		MockHttpServletRequest request = chunked("0123456789abcdef");

		assertThat(new String(RequestBodies.read(request, LIMIT), StandardCharsets.UTF_8))
			.isEqualTo("0123456789abcdef");
	}

	@Test
	void aDeclaredLengthOverTheLimitIsRefusedBeforeReading() {
		MockHttpServletRequest request = request("0123456789abcdefX");

		assertThatThrownBy(() -> RequestBodies.read(request, LIMIT)).isInstanceOf(ApiException.class)
			.hasMessageContaining("too large");
	}

	@Test
	void aChunkedBodyOneByteOverTheLimitIsRefused() {
		MockHttpServletRequest request = chunked("0123456789abcdefX");

		assertThatThrownBy(() -> RequestBodies.read(request, LIMIT)).isInstanceOf(ApiException.class)
			.hasMessageContaining("too large");
	}

	private static MockHttpServletRequest request(String body) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/namespaces/default/pods");
		request.setContent(body.getBytes(StandardCharsets.UTF_8));
		return request;
	}

	/** As a chunked request: the body is there, its length is not declared (-1). */
	private static MockHttpServletRequest chunked(String body) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/namespaces/default/pods") {

			@Override
			public long getContentLengthLong() {
				return -1;
			}

			@Override
			public int getContentLength() {
				return -1;
			}

		};
		request.setContent(body.getBytes(StandardCharsets.UTF_8));
		return request;
	}

}
