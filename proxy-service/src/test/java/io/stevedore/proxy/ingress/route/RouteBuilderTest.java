package io.stevedore.proxy.ingress.route;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLSBuilder;
import io.stevedore.proxy.ingress.support.IngressObjects;
import org.junit.jupiter.api.Test;

import static io.stevedore.proxy.ingress.support.IngressObjects.backend;
import static io.stevedore.proxy.ingress.support.IngressObjects.rule;
import static org.assertj.core.api.Assertions.assertThat;

class RouteBuilderTest {

	private final Map<String, Service> services = new java.util.HashMap<>();

	private final List<EndpointSlice> slices = new ArrayList<>();

	RouteBuilderTest() {
		for (String name : List.of("a", "b", "c", "d", "fallback", "other")) {
			service(name, 10 + this.services.size());
		}
	}

	/**
	 * Service {@code name} port 80 "http" with one ready endpoint 10.0.0.{octet}:8080 and
	 * a not ready one.
	 */
	private void service(String name, int octet) {
		this.services.put("default/" + name, IngressObjects.service("default", name));
		this.slices.add(IngressObjects.slice("default", name + "-1", name, 8080, List.of("10.0.0." + octet),
				List.of("10.0.1." + octet)));
	}

	static IngressBuilder ingress(String name, String created) {
		return IngressObjects.ingress("default", name, null)
			.editMetadata()
			.withCreationTimestamp(created)
			.endMetadata();
	}

	private RouteBuilder.Result build(Ingress... ingresses) {
		return RouteBuilder.build(List.of(ingresses), this.services, this.slices, key -> null);
	}

	private static String target(RouteTable table, String host, String path) {
		Upstream upstream = table.route(host, path);
		return (upstream == null) ? "404" : upstream.name();
	}

	@Test
	void exactHostsWildcardsOfOneLabelAndRulesWithoutHost() {
		RouteTable table = build(ingress("i", "2024-01-01T00:00:00Z").editSpec()
			.withRules(rule("foo.example.com", "/", "Prefix", "a").build(),
					rule("*.example.com", "/", "Prefix", "b").build(), rule(null, "/", "Prefix", "c").build())
			.endSpec()
			.build()).table();

		assertThat(target(table, "foo.example.com", "/x")).isEqualTo("default/a:80");
		assertThat(target(table, "FOO.Example.COM:8080", "/")).isEqualTo("default/a:80");
		assertThat(target(table, "foo.example.com.", "/")).isEqualTo("default/a:80");
		assertThat(target(table, "bar.example.com", "/")).isEqualTo("default/b:80");
		// A wildcard covers exactly one label.
		assertThat(target(table, "baz.bar.example.com", "/")).isEqualTo("default/c:80");
		assertThat(target(table, "example.com", "/")).isEqualTo("default/c:80");
		assertThat(target(table, null, "/")).isEqualTo("default/c:80");
		assertThat(target(table, "10.1.2.3", "/")).isEqualTo("default/c:80");
	}

	@Test
	void prefixMatchesElementWiseExactOnlyTheSamePathAndTheLongestWins() {
		RouteTable table = build(ingress("i", "2024-01-01T00:00:00Z").editSpec()
			.withRules(rule("h", "/foo", "Prefix", "a", "/foo/bar/", "Prefix", "b", "/foo/bar", "Exact", "c",
					"/aaa/bbb", "ImplementationSpecific", "d")
				.build())
			.endSpec()
			.build()).table();

		assertThat(target(table, "h", "/foo")).isEqualTo("default/a:80");
		assertThat(target(table, "h", "/foo/")).isEqualTo("default/a:80");
		assertThat(target(table, "h", "/foo/baz")).isEqualTo("default/a:80");
		assertThat(target(table, "h", "/foobar")).isEqualTo("404");
		// Same length: Exact before Prefix.
		assertThat(target(table, "h", "/foo/bar")).isEqualTo("default/c:80");
		assertThat(target(table, "h", "/foo/bar/")).isEqualTo("default/b:80");
		assertThat(target(table, "h", "/foo/bar/x")).isEqualTo("default/b:80");
		assertThat(target(table, "h", "/aaa/bbb/ccc")).isEqualTo("default/d:80");
		assertThat(target(table, "h", "/aaa/bbbc")).isEqualTo("404");
		assertThat(target(table, "h", "/")).isEqualTo("404");
	}

	@Test
	void theSpecsExamplesOfPrefixMatching() {
		// kubernetes.io/docs/concepts/services-networking/ingress/#examples
		assertThat(PathRule.of("/", "Prefix", null).matches("/anything")).isTrue();
		assertThat(PathRule.of("/foo", "Exact", null).matches("/foo/")).isFalse();
		assertThat(PathRule.of("/foo/", "Exact", null).matches("/foo")).isFalse();
		assertThat(PathRule.of("/foo/", "Prefix", null).matches("/foo")).isTrue();
		assertThat(PathRule.of("/aaa/bb", "Prefix", null).matches("/aaa/bbb")).isFalse();
		assertThat(PathRule.of("/aaa/bbb/", "Prefix", null).matches("/aaa/bbb")).isTrue();
		assertThat(PathRule.of("/aaa/bbb", "Prefix", null).matches("/aaa/bbb/ccc")).isTrue();
	}

	@Test
	void defaultBackendServesUnmatchedRequestsAndTheOlderIngressWinsAConflict() {
		Ingress older = ingress("older", "2024-01-01T00:00:00Z").editSpec()
			.withDefaultBackend(backend("fallback"))
			.withRules(rule("h", "/p", "Prefix", "a").build())
			.endSpec()
			.build();
		Ingress newer = ingress("newer", "2024-02-01T00:00:00Z").editSpec()
			.withDefaultBackend(backend("other"))
			.withRules(rule("h", "/p", "Prefix", "b", "/q", "Exact", "c").build(),
					rule("only-newer", "/x", "Exact", "d").build())
			.endSpec()
			.build();
		RouteTable table = build(newer, older).table();

		assertThat(target(table, "h", "/p")).isEqualTo("default/a:80");
		assertThat(target(table, "h", "/q")).isEqualTo("default/c:80");
		assertThat(target(table, "h", "/none")).isEqualTo("default/fallback:80");
		assertThat(target(table, "nowhere", "/")).isEqualTo("default/fallback:80");
		// A host's unmatched paths go to the default backend of the Ingress defining it.
		assertThat(target(table, "only-newer", "/y")).isEqualTo("default/other:80");
	}

	@Test
	void nothingMatchingAndNoDefaultBackendIs404() {
		RouteTable table = build(ingress("i", "2024-01-01T00:00:00Z").editSpec()
			.withRules(rule("h", "/a", "Exact", "a").build())
			.endSpec()
			.build()).table();
		assertThat(target(table, "h", "/b")).isEqualTo("404");
		assertThat(target(table, "other", "/a")).isEqualTo("404");
		assertThat(RouteTable.EMPTY.route("h", "/")).isNull();
	}

	@Test
	void upstreamsAreTheReadyEndpointsByPortNumberOrName() {
		Ingress byName = ingress("i", "2024-01-01T00:00:00Z").editSpec()
			.withRules(new IngressRuleBuilder().withHost("h")
				.withNewHttp()
				.addNewPath()
				.withPath("/")
				.withPathType("Prefix")
				.withNewBackend()
				.withNewService()
				.withName("a")
				.withNewPort()
				.withName("http")
				.endPort()
				.endService()
				.endBackend()
				.endPath()
				.endHttp()
				.build())
			.endSpec()
			.build();
		Upstream upstream = build(byName).table().route("h", "/");
		assertThat(upstream.name()).isEqualTo("default/a:http");
		assertThat(upstream.endpoints()).containsExactly(new InetSocketAddress("10.0.0.10", 8080));
		assertThat(upstream.problem()).isNull();
	}

	@Test
	void aMissingServiceOrPortIsAProblemOfItsIngressAnd503WhileTheRestIsServed() {
		Ingress bad = ingress("bad", "2024-01-01T00:00:00Z").editSpec()
			.withRules(rule("bad", "/", "Prefix", "missing").build())
			.endSpec()
			.build();
		Ingress badPort = ingress("bad-port", "2024-01-01T00:00:00Z").editSpec()
			.withRules(new IngressRuleBuilder().withHost("port")
				.withNewHttp()
				.addNewPath()
				.withPath("/")
				.withPathType("Prefix")
				.withNewBackend()
				.withNewService()
				.withName("a")
				.withNewPort()
				.withNumber(81)
				.endPort()
				.endService()
				.endBackend()
				.endPath()
				.endHttp()
				.build())
			.endSpec()
			.build();
		Ingress good = ingress("good", "2024-01-01T00:00:00Z").editSpec()
			.withRules(rule("good", "/", "Prefix", "a").build())
			.endSpec()
			.build();
		RouteBuilder.Result result = build(bad, badPort, good);

		assertThat(result.problems()).containsOnlyKeys("default/bad", "default/bad-port");
		assertThat(result.problems().get("default/bad"))
			.containsExactly(new Problem("ServiceNotFound", "service default/missing not found"));
		assertThat(result.problems().get("default/bad-port")).extracting(Problem::reason)
			.containsExactly("PortNotFound");
		assertThat(result.table().route("bad", "/").endpoints()).isEmpty();
		assertThat(result.table().route("good", "/").endpoints()).hasSize(1);
	}

	@Test
	void certificatesBySniNameExactBeforeWildcardAndAMissingSecretIsReported() {
		Ingress tls = ingress("tls", "2024-01-01T00:00:00Z").editSpec()
			.withTls(new IngressTLSBuilder().withHosts("secure.example.com").withSecretName("exact").build(),
					new IngressTLSBuilder().withHosts("*.example.com").withSecretName("wild").build(),
					new IngressTLSBuilder().withHosts("gone.example.org").withSecretName("gone").build())
			.withRules(rule("secure.example.com", "/", "Prefix", "a").build())
			.endSpec()
			.build();
		RouteBuilder.Result result = RouteBuilder.build(List.of(tls), this.services, this.slices,
				key -> key.equals("default/gone") ? new Problem("SecretNotFound", "secret " + key + " not found")
						: null);

		assertThat(result.table().certificate("secure.example.com")).isEqualTo("default/exact");
		assertThat(result.table().certificate("other.example.com")).isEqualTo("default/wild");
		assertThat(result.table().certificate("a.b.example.com")).isNull();
		assertThat(result.table().certificate("gone.example.org")).isNull();
		assertThat(result.table().certificate(null)).isNull();
		assertThat(result.problems().get("default/tls")).extracting(Problem::reason).containsExactly("SecretNotFound");
		// Plain HTTP to a TLS host is redirected, even while its Secret is missing.
		assertThat(result.table().httpsOnly("secure.example.com:80")).isTrue();
		assertThat(result.table().httpsOnly("any.example.com")).isTrue();
		assertThat(result.table().httpsOnly("gone.example.org")).isTrue();
		assertThat(result.table().httpsOnly("plain.example.org")).isFalse();
	}

	@Test
	void theSslRedirectAnnotationTurnsTheRedirectOff() {
		Ingress tls = ingress("tls", "2024-01-01T00:00:00Z").editMetadata()
			.addToAnnotations("nginx.ingress.kubernetes.io/ssl-redirect", "false")
			.endMetadata()
			.editSpec()
			.withTls(new IngressTLSBuilder().withSecretName("s").build())
			.withRules(rule("secure.example.com", "/", "Prefix", "a").build())
			.endSpec()
			.build();
		RouteTable table = build(tls).table();
		assertThat(table.certificate("secure.example.com")).isEqualTo("default/s");
		assertThat(table.httpsOnly("secure.example.com")).isFalse();
	}

}
