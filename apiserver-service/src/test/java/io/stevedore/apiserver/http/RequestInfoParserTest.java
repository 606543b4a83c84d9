package io.stevedore.apiserver.http;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

class RequestInfoParserTest {

	static Stream<Arguments> urls() {
		return Stream.of(Arguments.of("GET", "/api/v1/pods", false, "list||v1||pods||"),
				Arguments.of("GET", "/api/v1/namespaces/default/pods", false, "list||v1|default|pods||"),
				Arguments.of("GET", "/api/v1/namespaces/default/pods/web", false, "get||v1|default|pods|web|"),
				Arguments.of("PUT", "/api/v1/namespaces/default/pods/web/status", false,
						"update||v1|default|pods|web|status"),
				Arguments.of("GET", "/api/v1/namespaces/default/pods", true, "watch||v1|default|pods||"),
				Arguments.of("GET", "/api/v1/watch/namespaces/default/pods", false, "watch||v1|default|pods||"),
				Arguments.of("POST", "/apis/apps/v1/namespaces/ns1/deployments", false,
						"create|apps|v1|ns1|deployments||"),
				Arguments.of("PATCH", "/apis/apps/v1/namespaces/ns1/deployments/web/scale", false,
						"patch|apps|v1|ns1|deployments|web|scale"),
				Arguments.of("DELETE", "/apis/apps/v1/namespaces/ns1/deployments", false,
						"deletecollection|apps|v1|ns1|deployments||"),
				Arguments.of("GET", "/api/v1/namespaces", false, "list||v1||namespaces||"),
				Arguments.of("GET", "/api/v1/namespaces/kube-system", false, "get||v1||namespaces|kube-system|"),
				Arguments.of("PUT", "/api/v1/namespaces/kube-system/finalize", false,
						"update||v1||namespaces|kube-system|finalize"),
				Arguments.of("GET", "/api/v1/namespaces/kube-system/status", false,
						"get||v1||namespaces|kube-system|status"),
				Arguments.of("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin", false,
						"get|rbac.authorization.k8s.io|v1||clusterroles|admin|"));
	}

	@ParameterizedTest(name = "{0} {1} (watch={2}) addresses {3}")
	@MethodSource("urls")
	void readsWhatTheUrlAddresses(String method, String path, boolean watch, String expected) {
		RequestInfo info = RequestInfoParser.parse(method, path, watch);
		assertThat(String.join("|", info.verb(), info.group(), info.version(), info.namespace(), info.resource(),
				info.name(), info.subresource()))
			.isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0} is a discovery path")
	@org.junit.jupiter.params.provider.ValueSource(strings = { "/api", "/api/v1", "/apis", "/apis/apps/v1" })
	void discoveryPathsAddressNoResource(String path) {
		assertThat(RequestInfoParser.parse("GET", path, false)).isNull();
	}

}
