package io.stevedore.proxy.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class UpstreamsTest {

	@TempDir
	Path dir;

	@Test
	void parsesAddressesWithAndWithoutPorts() {
		assertThat(Upstreams.parse("127.0.0.1")).isEqualTo(new InetSocketAddress("127.0.0.1", 53));
		assertThat(Upstreams.parse("127.0.0.1:5353")).isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
		assertThat(Upstreams.parse("[::1]:5353")).isEqualTo(new InetSocketAddress("::1", 5353));
		assertThat(Upstreams.parse("::1")).isEqualTo(new InetSocketAddress("::1", 53));
		assertThat(Upstreams.parse("resolver.example")).isNull();
		assertThat(Upstreams.parse("127.0.0.1:0")).isNull();
		assertThat(Upstreams.parse("127.0.0.1:x")).isNull();
	}

	@Test
	void readsTheNameserversOfResolvConf() throws IOException {
		Path resolvConf = this.dir.resolve("resolv.conf");
		Files.writeString(resolvConf, """
				# comment
				search example.org
				nameserver 127.0.0.53
				nameserver ::1
				nameserver not-an-address
				options ndots:1
				""");
		assertThat(Upstreams.fromResolvConf(resolvConf)).containsExactly(new InetSocketAddress("127.0.0.53", 53),
				new InetSocketAddress("::1", 53));
		assertThat(Upstreams.fromResolvConf(this.dir.resolve("missing"))).isEmpty();
	}

	@Test
	void neverForwardsToItself() throws IOException {
		Path resolvConf = this.dir.resolve("resolv.conf");
		// A node whose resolv.conf already names the cluster DNS, and this server itself.
		Files.writeString(resolvConf, "nameserver 10.96.0.10\nnameserver 127.0.0.77\nnameserver 127.0.0.53\n");
		DnsProperties properties = new DnsProperties(true, "127.0.0.77", 53, "cluster.local",
				java.time.Duration.ofSeconds(5), false, List.of(), resolvConf, java.time.Duration.ofSeconds(1),
				DnsProperties.PodMode.INSECURE, false, "10.96.0.10", java.time.Duration.ofSeconds(1), 1,
				java.time.Duration.ofSeconds(1));
		assertThat(Upstreams.resolve(properties)).containsExactly(new InetSocketAddress("127.0.0.53", 53));
	}

	@Test
	void configuredUpstreamsWinAndMustBeAddresses() {
		DnsProperties properties = DnsProperties.of("127.0.0.77", 53).withUpstreams(List.of("127.0.0.1:5300"));
		assertThat(Upstreams.resolve(properties)).containsExactly(new InetSocketAddress("127.0.0.1", 5300));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Upstreams.resolve(properties.withUpstreams(List.of("dns.example"))))
			.withMessageContaining("stevedore.proxy.dns.upstreams");
	}

}
