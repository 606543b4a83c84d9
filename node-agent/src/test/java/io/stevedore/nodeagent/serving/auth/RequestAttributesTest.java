package io.stevedore.nodeagent.serving.auth;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kubelet's request attributes of a call to the agent's API, one sentence per case.
 */
class RequestAttributesTest {

	static final KubeletUser JANE = KubeletUser.of("jane", List.of("developers"));

	static Stream<Arguments> cases() {
		return Stream.of(
				Arguments.of("a GET of the stats summary is get on nodes/stats", "GET", "/stats/summary", "get",
						"stats"),
				Arguments.of("/stats itself is stats", "GET", "/stats", "get", "stats"),
				Arguments.of("/stats/ with a trailing slash is stats", "GET", "/stats/", "get", "stats"),
				Arguments.of("a path that only begins like /stats is proxy", "GET", "/statsx", "get", "proxy"),
				Arguments.of("the resource metrics are nodes/metrics", "GET", "/metrics/resource", "get", "metrics"),
				Arguments.of("/logs is nodes/log, as pods/log", "GET", "/logs/messages", "get", "log"),
				Arguments.of("/spec is nodes/spec", "GET", "/spec/", "get", "spec"),
				Arguments.of("container logs are nodes/proxy", "GET", "/containerLogs/default/p/c", "get", "proxy"),
				Arguments.of("a WebSocket exec (a GET upgrade) is create on nodes/proxy", "GET", "/exec/default/p/c",
						"create", "proxy"),
				Arguments.of("an SPDY exec (a POST) is create on nodes/proxy", "POST", "/exec/default/p/c", "create",
						"proxy"),
				Arguments.of("a WebSocket attach is create", "GET", "/attach/default/p/c", "create", "proxy"),
				Arguments.of("a WebSocket port-forward is create", "GET", "/portForward/default/p", "create", "proxy"),
				Arguments.of("run is create", "GET", "/run/default/p/c", "create", "proxy"),
				Arguments.of("a path that only begins like /exec keeps the method's verb", "GET", "/executive", "get",
						"proxy"),
				Arguments.of("PUT is update", "PUT", "/pods", "update", "proxy"),
				Arguments.of("PATCH is patch", "PATCH", "/pods", "patch", "proxy"),
				Arguments.of("DELETE is delete", "DELETE", "/pods", "delete", "proxy"),
				Arguments.of("a method the kubelet does not name has no verb, which nothing grants", "OPTIONS", "/pods",
						"", "proxy"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void maps(String sentence, String method, String path, String verb, String subresource) {
		RequestAttributes attributes = RequestAttributes.of(JANE, method, path, "n1");

		assertThat(attributes.verb()).isEqualTo(verb);
		assertThat(attributes.subresource()).isEqualTo(subresource);
		assertThat(attributes.node()).isEqualTo("n1");
		assertThat(attributes.user()).isEqualTo(JANE);
	}

	@Test
	void describesItselfInTheKubeletsWords() {
		assertThat(RequestAttributes.of(JANE, "GET", "/stats/summary", "n1").describe())
			.isEqualTo("user=jane, verb=get, resource=nodes, subresource=stats");
	}

	@Test
	void everyUserIsInSystemAuthenticated() {
		assertThat(JANE.groups()).containsExactly("developers", "system:authenticated");
		assertThat(KubeletUser.of("x", List.of("system:authenticated")).groups())
			.containsExactly("system:authenticated");
	}

}
