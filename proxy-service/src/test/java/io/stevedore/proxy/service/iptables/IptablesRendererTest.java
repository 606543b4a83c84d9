package io.stevedore.proxy.service.iptables;

import java.util.List;
import java.util.Set;

import io.stevedore.proxy.service.model.ProxyState;
import io.stevedore.proxy.service.model.StateBuilder;
import io.stevedore.proxy.service.support.Objects;
import org.junit.jupiter.api.Test;

import static io.stevedore.proxy.service.support.Objects.endpoint;
import static io.stevedore.proxy.service.support.Objects.port;
import static io.stevedore.proxy.service.support.Objects.slice;
import static org.assertj.core.api.Assertions.assertThat;

class IptablesRendererTest {

	private final IptablesRenderer renderer = new IptablesRenderer(new ChainNames("T1"), "10.96.0.0/12", 14);

	private ProxyState state(int readyEndpoints, boolean affinity) {
		var svc = Objects.serviceBuilder("default", "web", "10.96.0.10", port("http", "TCP", 80, 30080))
			.editSpec()
			.withType("NodePort")
			.withSessionAffinity(affinity ? "ClientIP" : "None")
			.endSpec()
			.build();
		var endpoints = java.util.stream.IntStream.range(0, readyEndpoints)
			.mapToObj(i -> endpoint("172.30.0." + (i + 2), true, false, "n1"))
			.toList();
		return StateBuilder.build(List.of(svc),
				List.of(slice("default", "web-x", "web", "http", "TCP", 8080, endpoints)), "n1",
				List.of("127.0.0.1", "192.0.2.2"));
	}

	@Test
	void spreadsOverReadyEndpointsWithDecreasingProbabilitiesAndDnatsEach() {
		String input = this.renderer.render(state(3, false), Set.of(), Set.of()).input();

		assertThat(input).startsWith("*nat\n").contains("COMMIT\n*filter\n").endsWith("COMMIT\n");
		assertThat(input).contains("-A T1-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80");
		assertThat(input).contains("--probability 0.3333333333").contains("--probability 0.5000000000");
		assertThat(input).contains("-j DNAT --to-destination 172.30.0.2:8080")
			.contains("-j DNAT --to-destination 172.30.0.3:8080")
			.contains("-j DNAT --to-destination 172.30.0.4:8080");
		assertThat(input).contains("-A T1-NODEPORTS -d 127.0.0.1/32 -p tcp -m tcp --dport 30080")
			.contains("-A T1-NODEPORTS -d 192.0.2.2/32 -p tcp -m tcp --dport 30080");
		// hairpin: a pod reaching itself through the Service is masqueraded
		assertThat(input).contains("-s 172.30.0.2/32 -j T1-MARK-MASQ");
		assertThat(input).doesNotContain("REJECT --reject-with icmp-port-unreachable\n-A T1-SERVICES -d 10.96.0.10");
		assertThat(input).doesNotContain("-m recent");
	}

	@Test
	void aPortWithoutReadyEndpointsIsRejectedInTheFilterTableNotTranslated() {
		String input = this.renderer.render(state(0, false), Set.of(), Set.of()).input();

		assertThat(input).doesNotContain("-j DNAT");
		assertThat(input).contains(
				"-A T1-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -m comment --comment \"default/web:http has no endpoints\" -j REJECT");
		assertThat(input).contains("-A T1-SERVICES -d 127.0.0.1/32 -p tcp -m tcp --dport 30080");
	}

	@Test
	void clientIpAffinityUsesTheRecentModulePerEndpoint() {
		String input = this.renderer.render(state(2, true), Set.of(), Set.of()).input();

		assertThat(input).contains("-m recent --name T1-SEP-").contains("--rcheck --seconds 10800 --reap");
		assertThat(input).contains("-m recent --name T1-SEP-").contains("--set -j DNAT");
	}

	@Test
	void chainsOfTheLastRestoreThatAreGoneAreFlushedAndDeleted() {
		IptablesRenderer.Rendered before = this.renderer.render(state(3, false), Set.of(), Set.of());
		IptablesRenderer.Rendered after = this.renderer.render(state(1, false), before.natChains(),
				before.filterChains());

		assertThat(before.natChains()).hasSizeGreaterThan(after.natChains().size());
		for (String gone : before.natChains()) {
			if (!after.natChains().contains(gone)) {
				assertThat(after.input()).contains(":" + gone + " - [0:0]\n").contains("-X " + gone + "\n");
			}
		}
		assertThat(after.natChains()).allMatch(c -> c.startsWith("T1-"));
	}

	@Test
	void chainNamesFitIptablesLimitAndRejectBadPrefixes() {
		ChainNames names = new ChainNames("STEVEDORE1");
		var port = state(1, false).ports().get(0);
		assertThat(names.sep(port.name(), port.endpoints().get(0)).length()).isLessThanOrEqualTo(28);
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> new ChainNames("lower"))
			.withMessageContaining("stevedore.proxy.chain-prefix");
	}

}
