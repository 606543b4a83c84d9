package io.stevedore.proxy.service.iptables;

import java.util.ArrayList;
import java.util.List;

import io.stevedore.proxy.service.model.DataPlane;
import io.stevedore.proxy.service.model.ProxyState;
import io.stevedore.proxy.service.model.StateBuilder;
import io.stevedore.proxy.service.support.Objects;
import org.junit.jupiter.api.Test;

import static io.stevedore.proxy.service.support.Objects.endpoint;
import static io.stevedore.proxy.service.support.Objects.port;
import static io.stevedore.proxy.service.support.Objects.slice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the kernel plane does when the kernel refuses a restore: finds the Services at
 * fault with {@code --test} runs and applies everything else, with a fake host that
 * refuses any input holding the rules of one Service.
 */
class KernelPlaneTest {

	@Test
	void aRefusedServiceIsLeftOutAndReportedWhileTheOthersAreApplied() {
		FakeHost host = new FakeHost("\"default/bad\"");
		KernelPlane plane = new KernelPlane(host, new IptablesRenderer(new ChainNames("T"), "10.96.0.0/12", 14),
				"10.96.0.0/12", false);
		ProxyState state = state(List.of("a", "b", "bad", "c", "d"), "172.30.0.11");

		DataPlane.ApplyResult result = plane.apply(state);

		assertThat(result.applied()).isTrue();
		assertThat(result.failures()).containsOnlyKeys("default/bad");
		assertThat(result.failures().get("default/bad")).contains("the kernel refused");
		String applied = host.lastApplied;
		assertThat(applied).contains("\"default/a\"").contains("\"default/d\"").doesNotContain("default/bad");
	}

	@Test
	void aRestoreRefusedEvenWithoutServicesAppliesNothing() {
		FakeHost host = new FakeHost("*nat");
		KernelPlane plane = new KernelPlane(host, new IptablesRenderer(new ChainNames("T"), "10.96.0.0/12", 14),
				"10.96.0.0/12", false);

		DataPlane.ApplyResult result = plane.apply(ProxyState.empty("n1"));

		assertThat(result.applied()).isFalse();
		assertThat(host.lastApplied).isNull();
	}

	@Test
	void afterTheFirstFullRestoreASyncWritesOnlyTheChainsThatChanged() {
		FakeHost host = new FakeHost("never refused");
		KernelPlane plane = new KernelPlane(host, new IptablesRenderer(new ChainNames("T"), "10.96.0.0/12", 14),
				"10.96.0.0/12", false);
		assertThat(plane.apply(state("172.30.0.10")).applied()).isTrue();
		String first = host.lastApplied;
		assertThat(first).contains("\"default/a\"").contains("\"default/d\"").contains("T-FORWARD");

		host.lastApplied = null;
		assertThat(plane.apply(state("172.30.0.10")).applied()).isTrue();
		assertThat(host.lastApplied).as("nothing changed, nothing restored").isNull();

		assertThat(plane.apply(state("172.30.0.99")).applied()).isTrue();
		String partial = host.lastApplied;
		// Only Service b's SVC chain, its new SEP chain and the old SEP chain's deletion.
		assertThat(partial).contains("--to-destination 172.30.0.99:8080")
			.doesNotContain("*filter")
			.doesNotContain("-A T-SERVICES")
			.doesNotContain("172.30.0.11:8080")
			.containsPattern("-X T-SEP-\\w+\n");
		assertThat(plane.lastChainsWritten()).isEqualTo(2);
	}

	@Test
	void aRefusedPartialRestoreIsRetriedWithEveryChain() {
		FakeHost host = new FakeHost("172.30.0.66");
		KernelPlane plane = new KernelPlane(host, new IptablesRenderer(new ChainNames("T"), "10.96.0.0/12", 14),
				"10.96.0.0/12", false);
		assertThat(plane.apply(state("172.30.0.10")).applied()).isTrue();
		host.poison = "!partial";
		host.lastApplied = null;

		assertThat(plane.apply(state("172.30.0.12")).applied()).isTrue();

		assertThat(host.lastApplied).contains("-A T-SERVICES").contains("*filter").contains("172.30.0.12:8080");
	}

	/** Services a, b, c, d with one endpoint each; b's endpoint is {@code bEndpoint}. */
	private static ProxyState state(String bEndpoint) {
		return state(List.of("a", "b", "c", "d"), bEndpoint);
	}

	private static ProxyState state(List<String> names, String bEndpoint) {
		List<io.fabric8.kubernetes.api.model.Service> services = new ArrayList<>();
		List<io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice> slices = new ArrayList<>();
		for (String name : names) {
			services.add(Objects.service(name, "10.96.0." + (10 + services.size()), port("", "TCP", 80, null)));
			String ip = name.equals("b") ? bEndpoint : "172.30.0." + (10 + slices.size());
			slices.add(slice("default", name + "-1", name, "", "TCP", 8080, List.of(endpoint(ip, true, false, "n1"))));
		}
		return StateBuilder.build(services, slices, "n1", List.of("127.0.0.1"));
	}

	/**
	 * Refuses restores whose input contains {@code poison}; accepts every other command.
	 */
	static final class FakeHost implements HostCommands {

		/**
		 * Refused when the input contains it; {@code !partial}: refuse restores without
		 * *filter.
		 */
		String poison;

		String lastApplied;

		FakeHost(String poison) {
			this.poison = poison;
		}

		@Override
		public Result run(List<String> command, String input) {
			if (command.get(0).equals("iptables-restore")) {
				boolean refused = this.poison.equals("!partial") ? !input.contains("*filter")
						: input.contains(this.poison);
				if (refused) {
					return new Result(2, "iptables-restore: line 7 failed");
				}
				if (!command.contains("--test")) {
					this.lastApplied = input;
				}
			}
			return new Result(0, "");
		}

		@Override
		public boolean writeSysctl(String path, String value) {
			return true;
		}

	}

}
