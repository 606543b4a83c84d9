package io.stevedore.proxy.service.sync;

import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.fabric8.kubernetes.api.model.Service;
import io.stevedore.proxy.service.iptables.HostCommands;
import io.stevedore.proxy.service.model.ProxyState;
import io.stevedore.proxy.service.model.StateBuilder;
import io.stevedore.proxy.service.nftables.NftablesPlane;
import io.stevedore.proxy.service.nftables.NftablesRenderer;
import io.stevedore.proxy.service.support.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.stevedore.proxy.service.support.Objects.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The contract against the nftables plane on this machine's kernel, plus what only this
 * plane has: its one table, which loses a deleted Service's entries and chains and is
 * gone when the proxy stops.
 */
class NftablesPlaneIT extends ServiceProxyContract {

	private static final String TABLE = "stevedore-proxy-itn";

	private static final HostCommands HOST = new HostCommands.Real();

	@TempDir
	static Path dir;

	@BeforeAll
	static void start() {
		network = "stvd-proxy-it-n";
		deleteTable(TABLE);
		startAll(dir, "nftables", "ITN", "10.214.0.0/16", network, "172.31.214");
	}

	@AfterAll
	static void stopAndCheckTheTableIsGone() {
		try {
			stopAll();
			assertThat(listTable(TABLE)).as("the table after the proxy stopped").isNull();
			assertThat(HOST.run(List.of("iptables", "-w", "5", "-S")).output())
				.as("Docker's FORWARD after the proxy stopped")
				.doesNotContain("ITN-FORWARD");
		}
		finally {
			deleteTable(TABLE);
		}
	}

	@Test
	void aDeletedServiceLosesItsMapEntryAndChainsAndIsRefused() throws Exception {
		Service svc = createService(Objects.serviceBuilder("default", "gone", null, port("", "TCP", 80, 8080)).build());
		writeSlice("gone", "gone-1", "", "TCP", 8080, List.of(endpoint(pod1, true, false, NODE)));
		String vip = svc.getSpec().getClusterIP();
		await().ignoreExceptions()
			.atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(answers(vip, 80, 5)).containsExactly(name(pod1)));
		assertThat(listTable(TABLE)).contains(vip + " . tcp . 80 : goto svc-").contains("-default/gone/tcp/80");

		client.services().inNamespace("default").withName("gone").delete();

		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(listTable(TABLE)).isNotNull()
				.doesNotContain(vip + " . tcp")
				.doesNotContain("default/gone/"));
		// Its ClusterIP left lo too: the blackhole route answers (EINVAL), nothing
		// connects.
		assertThatThrownBy(() -> get(vip, 80)).isInstanceOf(SocketException.class);
	}

	@Test
	void clientIpAffinitySendsEveryConnectionOfAClientToOneEndpoint() throws Exception {
		Service svc = createService(Objects.serviceBuilder("default", "sticky", null, port("", "TCP", 80, 8080))
			.editSpec()
			.withSessionAffinity("ClientIP")
			.endSpec()
			.build());
		writeSlice("sticky", "sticky-1", "", "TCP", 8080, List.of(endpoint(pod1, true, false, NODE),
				endpoint(pod2, true, false, NODE), endpoint(pod3, true, false, NODE)));
		String vip = svc.getSpec().getClusterIP();

		await().ignoreExceptions()
			.atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(answers(vip, 80, 1)).hasSize(1));
		assertThat(answers(vip, 80, 30)).hasSize(1);
		assertThat(listTable(TABLE)).contains("flags dynamic,timeout").contains("timeout 3h");
	}

	@Test
	void aPlaneOfItsOwnUpdatesInPlaceAndRemovesItsTableAndAddressesWhenClosed() throws Exception {
		String table = "stevedore-proxy-itnp";
		NftablesPlane plane = new NftablesPlane(HOST, new NftablesRenderer(table, "10.214.128.0/17", 14), "ITNP",
				"10.214.128.0/17", true);
		try {
			plane.start();
			assertThat(plane.apply(ownState(pod1)).applied()).isTrue();
			assertThat(listTable(table)).contains("10.214.128.10 . tcp . 80 : goto svc-")
				.contains("dnat to " + pod1 + ":8080");
			assertThat(loAddresses()).contains("10.214.128.10/32");

			// The endpoint changes: a partial update in place of the first full write.
			assertThat(plane.apply(ownState(pod2)).applied()).isTrue();
			assertThat(plane.lastWasPartial()).isTrue();
			assertThat(listTable(table)).contains("dnat to " + pod2 + ":8080").doesNotContain(pod1 + "/8080");
			assertThat(answers("10.214.128.10", 80, 5)).containsExactly(name(pod2));

			plane.close();

			assertThat(listTable(table)).isNull();
			assertThat(loAddresses()).doesNotContain("10.214.128.10/32");
		}
		finally {
			plane.close();
			deleteTable(table);
		}
	}

	@Test
	void aWholeTableRewriteAndARestartKeepTheClientIpAffinityWithItsTimeLeft() throws Exception {
		String table = "stevedore-proxy-itna";
		NftablesRenderer renderer = new NftablesRenderer(table, "10.214.128.0/17", 14);
		NftablesPlane plane = new NftablesPlane(HOST, renderer, "ITNA", "10.214.128.0/17", true);
		NftablesPlane restarted = new NftablesPlane(HOST, renderer, "ITNA", "10.214.128.0/17", true);
		try {
			plane.start();
			ProxyState sticky = stickyState(pod1);
			assertThat(plane.apply(sticky).applied()).isTrue();
			String set = listTable(table).lines()
				.map(String::strip)
				.filter(l -> l.startsWith("set affinity-"))
				.map(l -> l.substring(4, l.indexOf(' ', 4)))
				.findFirst()
				.orElseThrow();
			// What the packet path's "update @set { ip saddr }" records for a client.
			assertThat(HOST.run(List.of("nft", "add", "element", "ip", table, set, "{ 10.9.8.7 expires 600s }")).ok())
				.isTrue();

			plane.forceFullSync();
			assertThat(plane.apply(sticky).applied()).isTrue();
			assertThat(plane.lastWasPartial()).isFalse();
			assertThat(elements(table, set)).as("after a whole-table rewrite").contains("10.9.8.7 expires 9m");

			// A new proxy process on the same host: start deletes the old table, the
			// first
			// write puts the affinity back.
			restarted.start();
			assertThat(listTable(table)).isNull();
			assertThat(restarted.apply(sticky).applied()).isTrue();
			assertThat(elements(table, set)).as("after a restart").contains("10.9.8.7 expires 9m");
		}
		finally {
			restarted.close();
			plane.close();
			deleteTable(table);
		}
	}

	private static String elements(String table, String set) {
		return HOST.run(List.of("nft", "list", "set", "ip", table, set)).output();
	}

	private static ProxyState stickyState(String pod) {
		return StateBuilder.build(
				List.of(Objects
					.serviceBuilder("default", "sticky-own", "10.214.128.11", Objects.port("", "TCP", 80, null))
					.editSpec()
					.withSessionAffinity("ClientIP")
					.endSpec()
					.build()),
				List.of(Objects.slice("default", "sticky-own-1", "sticky-own", "", "TCP", 8080,
						List.of(endpoint(pod, true, false, NODE)))),
				NODE, List.of());
	}

	private static ProxyState ownState(String pod) {
		return StateBuilder.build(
				List.of(Objects.serviceBuilder("default", "own", "10.214.128.10", Objects.port("", "TCP", 80, null))
					.build()),
				List.of(Objects.slice("default", "own-1", "own", "", "TCP", 8080,
						List.of(endpoint(pod, true, false, NODE)))),
				NODE, List.of());
	}

	/** {@code nft list table}, or null when there is no such table. */
	static String listTable(String table) {
		HostCommands.Result result = HOST.run(List.of("nft", "list", "table", "ip", table));
		return result.ok() ? result.output() : null;
	}

	static void deleteTable(String table) {
		HOST.run(List.of("nft", "-f", "-"), "add table ip " + table + "\ndelete table ip " + table + "\n");
	}

	static String loAddresses() {
		return HOST.run(List.of("ip", "-4", "-o", "addr", "show", "dev", "lo")).output();
	}

}
