package io.stevedore.gateway.authz;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/** Request attributes as kube-apiserver's RequestInfoFactory derives them. */
class RequestInfoParserTest {

	static Stream<Arguments> cases() {
		return Stream.of(
				Arguments.of("a namespaced GET without name is a list", "GET", "/api/v1/namespaces/default/pods",
						RequestInfo.resource("list", "", "default", "pods", "", "")),
				Arguments.of("watch=true turns a list into a watch", "GET",
						"/apis/apps/v1/namespaces/ns/deployments?watch=true",
						RequestInfo.resource("watch", "apps", "ns", "deployments", "", "")),
				Arguments.of("a deprecated /watch/ path is a watch", "GET", "/api/v1/watch/namespaces/ns/pods",
						RequestInfo.resource("watch", "", "ns", "pods", "", "")),
				Arguments.of("a subresource follows the name", "POST", "/api/v1/namespaces/ns/pods/web/eviction",
						RequestInfo.resource("create", "", "ns", "pods", "eviction", "web")),
				Arguments.of("a WebSocket exec is a GET that needs create on pods/exec", "GET",
						"/api/v1/namespaces/ns/pods/web/exec?command=ls&stdout=true",
						RequestInfo.resource("create", "", "ns", "pods", "exec", "web")),
				Arguments.of("a SPDY attach is a POST: create on pods/attach", "POST",
						"/api/v1/namespaces/ns/pods/web/attach",
						RequestInfo.resource("create", "", "ns", "pods", "attach", "web")),
				Arguments.of("reading a pod's log stays a get", "GET", "/api/v1/namespaces/ns/pods/web/log",
						RequestInfo.resource("get", "", "ns", "pods", "log", "web")),
				Arguments.of("a namespace itself is the namespaces resource named after it", "GET",
						"/api/v1/namespaces/team", RequestInfo.resource("get", "", "team", "namespaces", "", "team")),
				Arguments.of("a namespace's status is a subresource of namespaces", "PUT",
						"/api/v1/namespaces/team/status",
						RequestInfo.resource("update", "", "team", "namespaces", "status", "team")),
				Arguments.of("DELETE without name is deletecollection", "DELETE", "/api/v1/namespaces/ns/configmaps",
						RequestInfo.resource("deletecollection", "", "ns", "configmaps", "", "")),
				Arguments.of("a cluster-scoped PATCH", "PATCH", "/api/v1/nodes/n1",
						RequestInfo.resource("patch", "", "", "nodes", "", "n1")),
				Arguments.of("discovery of a group version is a non-resource request", "GET", "/apis/apps/v1",
						RequestInfo.nonResource("/apis/apps/v1", "get")),
				Arguments.of("/version is a non-resource request with the method as verb", "GET", "/version",
						RequestInfo.nonResource("/version", "get")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void parses(String sentence, String method, String url, RequestInfo expected) {
		var uri = UriComponentsBuilder.fromUriString(url).build();
		RequestInfo parsed = RequestInfoParser.parse(method, uri.getPath(),
				new LinkedMultiValueMap<>(uri.getQueryParams()));

		assertThat(parsed).usingRecursiveComparison().ignoringFields("path", "apiVersion").isEqualTo(expected);
		if (!expected.resourceRequest()) {
			assertThat(parsed.path()).isEqualTo(expected.path());
		}
	}

}
