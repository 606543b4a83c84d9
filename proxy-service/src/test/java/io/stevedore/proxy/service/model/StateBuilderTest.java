package io.stevedore.proxy.service.model;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Service;
import io.stevedore.proxy.service.support.Objects;
import org.junit.jupiter.api.Test;

import static io.stevedore.proxy.service.support.Objects.endpoint;
import static io.stevedore.proxy.service.support.Objects.port;
import static io.stevedore.proxy.service.support.Objects.slice;
import static org.assertj.core.api.Assertions.assertThat;

class StateBuilderTest {

	@Test
	void joinsSlicesToServicePortsByNameAndProtocolWithTheSlicesResolvedTargetPorts() {
		Service web = Objects.service("web", "10.96.0.10", port("http", "TCP", 80, null), port("dns", "UDP", 53, null));
		// Two slices with different target ports for the same named port: a named
		// targetPort resolved differently per pod.
		var a = slice("default", "web-a", "web", "http", "TCP", 8080,
				List.of(endpoint("172.30.0.2", true, false, "n1")));
		var b = slice("default", "web-b", "web", "http", "TCP", 9090,
				List.of(endpoint("172.30.0.3", true, false, "n2")));
		var udp = slice("default", "web-c", "web", "dns", "UDP", 5353,
				List.of(endpoint("172.30.0.2", true, false, "n1")));

		ProxyState state = StateBuilder.build(List.of(web), List.of(a, b, udp), "n1", List.of("127.0.0.1"));

		assertThat(state.ports()).hasSize(2);
		ServicePort dns = state.ports().get(0);
		ServicePort http = state.ports().get(1);
		assertThat(dns.name().toString()).isEqualTo("default/web:dns");
		assertThat(dns.protocol()).isEqualTo(Protocol.UDP);
		assertThat(dns.readyEndpoints()).extracting(Endpoint::address).containsExactly("172.30.0.2:5353");
		assertThat(http.readyEndpoints()).extracting(Endpoint::address)
			.containsExactly("172.30.0.2:8080", "172.30.0.3:9090");
		assertThat(http.readyLocalEndpoints("n1")).extracting(Endpoint::address).containsExactly("172.30.0.2:8080");
	}

	@Test
	void notReadyAndTerminatingEndpointsGetNoNewConnectionsButTerminatingOnesStayKnown() {
		Service web = Objects.service("web", "10.96.0.10", port("", "TCP", 80, null));
		var s = slice("default", "web-a", "web", "", "TCP", 80, List.of(endpoint("172.30.0.2", true, false, "n1"),
				endpoint("172.30.0.3", false, false, "n1"), endpoint("172.30.0.4", false, true, "n1")));

		ServicePort port = StateBuilder.build(List.of(web), List.of(s), "n1", List.of()).ports().get(0);

		assertThat(port.readyEndpoints()).extracting(Endpoint::ip).containsExactly("172.30.0.2");
		assertThat(port.endpoints()).filteredOn(Endpoint::terminating)
			.extracting(Endpoint::ip)
			.containsExactly("172.30.0.4");
	}

	@Test
	void skipsServicesOfAnotherProxyHeadlessAndExternalNameOnes() {
		Service other = Objects.serviceBuilder("default", "kube-dns", "10.96.0.53", port("dns", "UDP", 53, null))
			.editMetadata()
			.withLabels(Map.of(StateBuilder.SERVICE_PROXY_NAME, "stevedore-dns"))
			.endMetadata()
			.build();
		Service headless = Objects.service("headless", "None", port("", "TCP", 80, null));
		Service external = Objects.serviceBuilder("default", "ext", "", port("", "TCP", 80, null))
			.editSpec()
			.withType("ExternalName")
			.withExternalName("example.org")
			.endSpec()
			.build();

		ProxyState state = StateBuilder.build(List.of(other, headless, external), List.of(), "n1", List.of());

		assertThat(state.ports()).isEmpty();
	}

	@Test
	void readsNodePortsExternalIpsAffinityAndTrafficPolicyAndReportsBadAddresses() {
		Service svc = Objects.serviceBuilder("default", "lb", "10.96.0.11", port("", "TCP", 80, 30080))
			.editSpec()
			.withType("NodePort")
			.withExternalIPs("192.0.2.50", "not-an-ip")
			.withSessionAffinity("ClientIP")
			.withExternalTrafficPolicy("Local")
			.endSpec()
			.build();

		ProxyState state = StateBuilder.build(List.of(svc), List.of(), "n1", List.of("127.0.0.1"));

		ServicePort port = state.ports().get(0);
		assertThat(port.nodePort()).isEqualTo(30080);
		assertThat(port.externalIps()).containsExactly("192.0.2.50");
		assertThat(port.affinitySeconds()).isEqualTo(10800);
		assertThat(port.externalLocal()).isTrue();
		assertThat(state.problems()).containsKey("default/lb");
	}

}
