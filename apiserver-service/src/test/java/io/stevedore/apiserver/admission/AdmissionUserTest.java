package io.stevedore.apiserver.admission;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** The user admission reviews name, read from the gateway's X-Remote-* headers. */
class AdmissionUserTest {

	@Test
	void theGatewaysIdentityHeadersNameTheUserWithGroupsAndUnescapedExtraKeys() {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.addHeader("X-Remote-User", "system:serviceaccount:team:builder");
		request.addHeader("X-Remote-Uid", "42");
		request.addHeader("X-Remote-Group", "system:serviceaccounts");
		request.addHeader("X-Remote-Group", "system:authenticated");
		request.addHeader("X-Remote-Extra-Authentication.kubernetes.io%2fpod-name", "web-1");

		AdmissionUser user = AdmissionUser.fromHeaders(request);

		assertThat(user.name()).isEqualTo("system:serviceaccount:team:builder");
		assertThat(user.uid()).isEqualTo("42");
		assertThat(user.groups()).containsExactly("system:serviceaccounts", "system:authenticated");
		assertThat(user.extra())
			.containsExactly(java.util.Map.entry("authentication.kubernetes.io/pod-name", List.of("web-1")));
	}

	@Test
	void aRequestWithoutIdentityHeadersIsTheControlPlanesLoopbackClient() {
		assertThat(AdmissionUser.fromHeaders(new MockHttpServletRequest())).isEqualTo(AdmissionUser.LOOPBACK);
	}

}
