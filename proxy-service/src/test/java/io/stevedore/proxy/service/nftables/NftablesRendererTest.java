package io.stevedore.proxy.service.nftables;

import java.util.List;

import io.stevedore.proxy.service.iptables.ChainNames;
import io.stevedore.proxy.service.model.ProxyState;
import io.stevedore.proxy.service.model.StateBuilder;
import io.stevedore.proxy.service.support.Objects;
import org.junit.jupiter.api.Test;

import static io.stevedore.proxy.service.support.Objects.endpoint;
import static io.stevedore.proxy.service.support.Objects.port;
import static io.stevedore.proxy.service.support.Objects.slice;
import static org.assertj.core.api.Assertions.assertThat;

class NftablesRendererTest {

	private final NftablesRenderer renderer = new NftablesRenderer("stevedore-proxy-t1", "10.96.0.0/12", 14);

	static ProxyState state(int readyEndpoints, boolean affinity, String externalPolicy, String... externalIps) {
		var svc = Objects.serviceBuilder("default", "web", "10.96.0.10", port("http", "TCP", 80, 30080))
			.editSpec()
			.withType("NodePort")
			.withSessionAffinity(affinity ? "ClientIP" : "None")
			.withExternalTrafficPolicy(externalPolicy)
			.withExternalIPs(externalIps)
			.endSpec()
			.build();
		var endpoints = java.util.stream.IntStream.range(0, readyEndpoints)
			.mapToObj(i -> endpoint("172.30.0." + (i + 2), true, false, "n2"))
			.toList();
		return StateBuilder.build(List.of(svc),
				List.of(slice("default", "web-x", "web", "http", "TCP", 8080, endpoints)), "n1",
				List.of("127.0.0.1", "192.0.2.2"));
	}

	@Test
	void twoEndpointsBehindAClusterIpAndANodePortRenderAsTheGoldenTable() throws Exception {
		String golden;
		try (var in = getClass().getResourceAsStream("/nftables/two-endpoints-nodeport.nft")) {
			golden = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		}

		NftablesRenderer.Rendered rendered = this.renderer.render(state(2, false, "Cluster"));

		assertThat(rendered.table()).isEqualTo(golden);
		// 3 map elements, 12 base-chain rules, 3 helper rules, 2 + 2 + 2 + 2 per-port
		// rules
		assertThat(rendered.rules()).isEqualTo(3 + 12 + 3 + 8);
	}

	@Test
	void aPortWithoutReadyEndpointsIsRejectedForEveryEntryAndNeverTranslated() {
		String table = this.renderer.render(state(0, false, "Cluster", "192.0.2.50")).table();

		assertThat(table).doesNotContain("dnat to").doesNotContain("chain svc-").doesNotContain("chain ext-");
		assertThat(noEndpointElements(table)).containsExactly("10.96.0.10 . tcp . 80 : goto reject-chain",
				"192.0.2.50 . tcp . 80 : goto reject-chain", "127.0.0.1 . tcp . 30080 : goto reject-chain",
				"192.0.2.2 . tcp . 30080 : goto reject-chain");
	}

	@Test
	void clientIpAffinityKeepsATimedSetPerEndpointCheckedBeforeTheRandomPick() {
		String table = this.renderer.render(state(2, true, "Cluster")).table();

		assertThat(table).containsPattern(
				"set affinity-[A-Z2-7]{12}-10800 \\{\n\t\ttype ipv4_addr\n\t\tflags dynamic,timeout\n\t\ttimeout 10800s\n");
		String svc = chainBody(table, "svc-");
		assertThat(svc.lines().map(String::strip).toList()).hasSize(4)
			.element(1, org.assertj.core.api.InstanceOfAssertFactories.STRING)
			.matches("ip saddr @affinity-[A-Z2-7]{12}-10800 goto sep-.*");
		assertThat(svc.lines().map(String::strip).toList().get(3)).startsWith("numgen random mod 2 vmap");
		assertThat(table).contains("update @affinity-").contains("{ ip saddr }\n\t\tmeta l4proto tcp dnat to");
	}

	@Test
	void externalPolicyLocalWithoutAnEndpointOnThisNodeDropsExternalClientsOnly() {
		String table = this.renderer.render(state(2, false, "Local")).table();

		assertThat(noEndpointElements(table)).containsExactly("127.0.0.1 . tcp . 30080 : goto drop-external",
				"192.0.2.2 . tcp . 30080 : goto drop-external");
		assertThat(chainBody(table, "ext-")).contains("fib saddr type local goto svc-").doesNotContain("xlb-");
		assertThat(table).contains("chain drop-external {\n\t\tfib saddr type != local drop\n");
	}

	@Test
	void externalPolicyLocalBalancesOverThisNodesEndpointsOnly() {
		var svc = Objects.serviceBuilder("default", "web", "10.96.0.10", port("http", "TCP", 80, 30080))
			.editSpec()
			.withType("NodePort")
			.withExternalTrafficPolicy("Local")
			.endSpec()
			.build();
		ProxyState state = StateBuilder.build(List.of(svc),
				List.of(slice("default", "web-x", "web", "http", "TCP", 8080,
						List.of(endpoint("172.30.0.2", true, false, "n1"), endpoint("172.30.0.3", true, false, "n2")))),
				"n1", List.of("127.0.0.1"));

		String table = this.renderer.render(state).table();

		assertThat(chainBody(table, "xlb-").strip()).matches("goto sep-[A-Z2-7]{12}-172\\.30\\.0\\.2/8080");
		assertThat(chainBody(table, "svc-")).contains("numgen random mod 2");
	}

	@Test
	void theFirstOwnerOfAnAddressAndPortKeepsItWhenTwoServicesCollide() {
		var first = Objects.serviceBuilder("default", "a", "10.96.0.10", port("", "TCP", 80, null))
			.editSpec()
			.withExternalIPs("192.0.2.9")
			.endSpec()
			.build();
		var second = Objects.serviceBuilder("default", "b", "10.96.0.11", port("", "TCP", 80, null))
			.editSpec()
			.withExternalIPs("192.0.2.9")
			.endSpec()
			.build();
		ProxyState state = StateBuilder.build(List.of(first, second), List.of(
				slice("default", "a-1", "a", "", "TCP", 8080, List.of(endpoint("172.30.0.2", true, false, "n1"))),
				slice("default", "b-1", "b", "", "TCP", 8080, List.of(endpoint("172.30.0.3", true, false, "n1")))),
				"n1", List.of());

		String table = this.renderer.render(state).table();

		assertThat(table).containsOnlyOnce("192.0.2.9 . tcp . 80 : goto ext-")
			.containsPattern("192.0.2.9 . tcp . 80 : goto ext-[A-Z2-7]{12}-default/a/tcp/80");
		assertThat(table).containsPattern("10.96.0.11 . tcp . 80 : goto svc-[A-Z2-7]{12}-default/b/tcp/80");
	}

	@Test
	void anUpdateRewritesOnlyTheChangedChainsAndDeletesTheGoneOnesAfterTheirUsers() {
		NftablesRenderer.Rendered before = this.renderer.render(state(3, false, "Cluster"));
		NftablesRenderer.Rendered after = this.renderer.render(state(1, false, "Cluster"));

		String update = this.renderer.update(before, after);

		List<String> lines = update.lines().toList();
		assertThat(lines).noneMatch(l -> l.contains("table ip") || l.contains("nat-") || l.contains("filter-"));
		// svc- lost two endpoints: flushed and refilled; ext- and the kept sep- untouched
		assertThat(lines).filteredOn(l -> l.startsWith("flush chain ip stevedore-proxy-t1 svc-")).hasSize(1);
		assertThat(lines).filteredOn(l -> l.startsWith("add rule ip stevedore-proxy-t1 svc-"))
			.extracting(l -> l.substring(l.indexOf("/80 ") + 4))
			.containsExactly("fib saddr type local jump mark-for-masquerade",
					"goto sep-" + ChainNames.hash("default/web:http/TCP/172.30.0.2:8080") + "-172.30.0.2/8080");
		assertThat(lines).noneMatch(l -> l.contains("ext-") || l.contains("element"));
		List<String> deleted = lines.stream().filter(l -> l.startsWith("delete chain")).toList();
		assertThat(deleted).hasSize(2).allMatch(l -> l.contains(" sep-") && !l.contains("172.30.0.2/"));
		assertThat(lines.indexOf(deleted.get(0))).isGreaterThan(lines.indexOf(lines.stream()
			.filter(l -> l.startsWith("add rule ip stevedore-proxy-t1 svc-"))
			.reduce((a, b) -> b)
			.orElseThrow()));
		assertThat(this.renderer.update(after, after)).isEmpty();
	}

	@Test
	void aServiceLosingItsEndpointsMovesFromTheServiceMapToTheRejectMap() {
		String update = this.renderer.update(this.renderer.render(state(1, true, "Cluster")),
				this.renderer.render(state(0, true, "Cluster")));

		assertThat(update).contains("delete element ip stevedore-proxy-t1 service-ips { 10.96.0.10 . tcp . 80 }\n")
			.contains(
					"add element ip stevedore-proxy-t1 no-endpoint-services { 10.96.0.10 . tcp . 80 : goto reject-chain }\n")
			.containsPattern("delete set ip stevedore-proxy-t1 affinity-[A-Z2-7]{12}-10800\n$");
		assertThat(update.indexOf("delete element")).isLessThan(update.indexOf("delete chain"));
	}

	@Test
	void portsRenderedBeforeAndReusedGiveTheSameTableAsAFreshRenderer() {
		this.renderer.render(state(3, true, "Cluster"));
		this.renderer.render(state(2, false, "Local", "192.0.2.50"));

		NftablesRenderer.Rendered reused = this.renderer.render(state(3, true, "Cluster"));

		NftablesRenderer fresh = new NftablesRenderer("stevedore-proxy-t1", "10.96.0.0/12", 14);
		assertThat(reused).isEqualTo(fresh.render(state(3, true, "Cluster")));
		assertThat(reused.table()).contains("numgen random mod 3");
	}

	@Test
	void theDefaultPrefixGetsThePlainTableName() {
		assertThat(NftablesRenderer.tableName(new ChainNames("STEVEDORE"))).isEqualTo("stevedore-proxy");
		assertThat(NftablesRenderer.tableName(new ChainNames("ITN"))).isEqualTo("stevedore-proxy-itn");
	}

	private static List<String> noEndpointElements(String table) {
		int start = table.indexOf("map no-endpoint-services {");
		String map = table.substring(start, table.indexOf("\t}\n", start));
		int elements = map.indexOf("elements = {");
		if (elements < 0) {
			return List.of();
		}
		return java.util.Arrays.stream(map.substring(elements + 12, map.lastIndexOf('}')).split(","))
			.map(String::strip)
			.toList();
	}

	/** The rules of the first chain whose name starts with {@code prefix}. */
	private static String chainBody(String table, String prefix) {
		int start = table.indexOf("\tchain " + prefix);
		assertThat(start).as("chain %s in%n%s", prefix, table).isNotNegative();
		int body = table.indexOf('\n', start) + 1;
		return table.substring(body, table.indexOf("\t}\n", body));
	}

}
