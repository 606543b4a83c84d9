package io.stevedore.proxy.service.nftables;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.stevedore.proxy.service.iptables.ChainNames;
import io.stevedore.proxy.service.iptables.HostCommands;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DockerForwardAcceptTest {

	/** Records the commands and answers each from {@code answers}. */
	private static final class FakeHost implements HostCommands {

		final List<String> commands = new ArrayList<>();

		final List<String> inputs = new ArrayList<>();

		final Function<String, Result> answers;

		FakeHost(Function<String, Result> answers) {
			this.answers = answers;
		}

		@Override
		public Result run(List<String> command, String input) {
			String line = String.join(" ", command);
			this.commands.add(line);
			if (input != null) {
				this.inputs.add(input);
			}
			return this.answers.apply(line);
		}

		@Override
		public boolean writeSysctl(String path, String value) {
			return true;
		}

	}

	private static DockerForwardAccept accept(FakeHost host) {
		return new DockerForwardAccept(host, new ChainNames("STEVEDORE"), "0x00004000", "10.96.0.0/12");
	}

	private static final String DOCKER_FORWARD = """
			-P FORWARD DROP
			-A FORWARD -j STVDNP-FORWARD
			-A FORWARD -j DOCKER-USER
			-A FORWARD -j DOCKER-ISOLATION-STAGE-1
			-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
			-A FORWARD -o br-6f7875ffe38f -j DOCKER
			""";

	/** Answers FORWARD listings with {@code forward}, deletes as "no such rule". */
	private static FakeHost host(String forward) {
		return new FakeHost((line) -> line.endsWith("-S FORWARD") ? new HostCommands.Result(0, forward)
				: line.contains(" -D ") ? new HostCommands.Result(1, "Bad rule") : new HostCommands.Result(0, ""));
	}

	@Test
	@DisplayName("with Docker's DROP policy the accept chain is written and jumped to ahead of Docker's rules")
	void opensADropPolicy() {
		FakeHost host = host(DOCKER_FORWARD);
		accept(host).ensure();
		assertThat(host.inputs).containsExactly(
				"""
						*filter
						:STEVEDORE-FORWARD - [0:0]
						-A STEVEDORE-FORWARD -m mark --mark 0x00004000/0x00004000 -j ACCEPT
						-A STEVEDORE-FORWARD -m conntrack --ctstate DNAT -m conntrack --ctorigdst 10.96.0.0/12 -j ACCEPT
						-A STEVEDORE-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -m conntrack --ctorigdst 10.96.0.0/12 -j ACCEPT
						COMMIT
						""");
		// Behind the NetworkPolicy jump and DOCKER-USER's, ahead of the isolation chain.
		assertThat(host.commands).anySatisfy(c -> assertThat(c).startsWith("iptables -w 5 -t filter -I FORWARD 3 ")
			.endsWith("-j STEVEDORE-FORWARD"));
	}

	@Test
	@DisplayName("a jump that Docker pushed behind its rules (a new network) is moved ahead again")
	void movesTheJumpAheadOfDockerAgain() {
		FakeHost host = host(DOCKER_FORWARD
				+ "-A FORWARD -m comment --comment \"stevedore-proxy STEVEDORE\" -j STEVEDORE-FORWARD\n");
		accept(host).ensure();
		assertThat(host.inputs).as("the chain is there, only the jump moves").isEmpty();
		assertThat(host.commands).anySatisfy(c -> assertThat(c).startsWith("iptables -w 5 -t filter -D FORWARD "));
		assertThat(host.commands).anySatisfy(c -> assertThat(c).startsWith("iptables -w 5 -t filter -I FORWARD 3 "));
	}

	@Test
	@DisplayName("with a DROP policy but none of Docker's rules the jump goes first")
	void firstWithoutDockersRules() {
		FakeHost host = host("-P FORWARD DROP\n-A FORWARD -j REJECT\n");
		accept(host).ensure();
		assertThat(host.commands).anySatisfy(c -> assertThat(c).startsWith("iptables -w 5 -t filter -I FORWARD 1 "));
	}

	@Test
	@DisplayName("Docker's rules are told apart from DOCKER-USER's jump and everyone else's")
	void dockersRules() {
		assertThat(io.stevedore.proxy.service.iptables.HostChains.docker("-A FORWARD -j DOCKER-ISOLATION-STAGE-1"))
			.isTrue();
		assertThat(io.stevedore.proxy.service.iptables.HostChains.docker("-A FORWARD -o docker0 -j DOCKER")).isTrue();
		assertThat(io.stevedore.proxy.service.iptables.HostChains
			.docker("-A FORWARD -i br-6f7875ffe38f ! -o br-6f7875ffe38f -j ACCEPT")).isTrue();
		assertThat(io.stevedore.proxy.service.iptables.HostChains.docker("-A FORWARD -j DOCKER-USER")).isFalse();
		assertThat(io.stevedore.proxy.service.iptables.HostChains.docker("-A FORWARD -j STVDNP-FORWARD")).isFalse();
	}

	@Test
	@DisplayName("a FORWARD chain that accepts by policy is left alone")
	void leavesAnAcceptPolicyAlone() {
		FakeHost host = new FakeHost((line) -> new HostCommands.Result(0, "-P FORWARD ACCEPT"));
		accept(host).ensure();
		assertThat(host.commands).containsExactly("iptables -w 5 -S FORWARD");
	}

	@Test
	@DisplayName("once the jump is there a check writes nothing")
	void aCheckWithTheJumpInPlaceWritesNothing() {
		FakeHost host = host("-P FORWARD DROP\n-A FORWARD -j DOCKER-USER\n"
				+ "-A FORWARD -m comment --comment \"stevedore-proxy STEVEDORE\" -j STEVEDORE-FORWARD\n"
				+ "-A FORWARD -j DOCKER-ISOLATION-STAGE-1\n");
		accept(host).ensure();
		assertThat(host.inputs).isEmpty();
		assertThat(host.commands).noneMatch(c -> c.contains(" -I "));
	}

	@Test
	@DisplayName("a host without iptables gets nothing and no failure")
	void noIptables() {
		FakeHost host = new FakeHost((line) -> new HostCommands.Result(-1, "cannot run iptables"));
		accept(host).ensure();
		assertThat(host.commands).containsExactly("iptables -w 5 -S FORWARD");
	}

}
