package io.stevedore.nodeagent.pod.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodDNSConfigBuilder;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The kubelet's resolv.conf rules, one policy at a time, against a fixed node file. */
class DnsConfigurerTest {

	@TempDir
	Path dir;

	private String hostFile;

	private DnsConfigurer cluster;

	@BeforeEach
	void setUp() throws IOException {
		Path file = this.dir.resolve("resolv.conf");
		Files.writeString(file, """
				# the node's resolver
				nameserver 192.168.1.1
				nameserver 192.168.1.2 ; second
				search old.example
				search corp.example. lab.example
				options timeout:2 rotate
				""");
		this.hostFile = file.toString();
		this.cluster = new DnsConfigurer(List.of("10.96.0.10"), "cluster.local", this.hostFile);
	}

	@Test
	void clusterFirstUsesOnlyTheClusterDnsWithClusterSearchesBeforeTheNodesAndNdots5() {
		var result = this.cluster.configure(pod("ClusterFirst", false).build());
		assertThat(result.conf().nameservers()).containsExactly("10.96.0.10");
		assertThat(result.conf().searches()).containsExactly("web.svc.cluster.local", "svc.cluster.local",
				"cluster.local", "corp.example", "lab.example");
		assertThat(result.conf().options()).containsExactly("ndots:5");
		assertThat(result.warnings()).isEmpty();
	}

	@Test
	void noPolicyMeansClusterFirst() {
		Pod pod = pod(null, false).build();
		assertThat(this.cluster.configure(pod).conf().nameservers()).containsExactly("10.96.0.10");
	}

	@Test
	void defaultCopiesTheNodesResolvConf() {
		var conf = this.cluster.configure(pod("Default", false).build()).conf();
		assertThat(conf.nameservers()).containsExactly("192.168.1.1", "192.168.1.2");
		assertThat(conf.searches()).containsExactly("corp.example", "lab.example");
		assertThat(conf.options()).containsExactly("timeout:2", "rotate");
	}

	@Test
	void hostNetworkWithClusterFirstGetsTheNodesSettingsAndWithClusterFirstWithHostNetTheClusterDns() {
		assertThat(this.cluster.configure(pod("ClusterFirst", true).build()).conf().nameservers())
			.containsExactly("192.168.1.1", "192.168.1.2");
		assertThat(this.cluster.configure(pod("ClusterFirstWithHostNet", true).build()).conf().nameservers())
			.containsExactly("10.96.0.10");
		assertThat(this.cluster.configure(pod("ClusterFirstWithHostNet", false).build()).conf().nameservers())
			.containsExactly("10.96.0.10");
	}

	@Test
	void withoutClusterDnsClusterFirstFallsBackToDefaultWithAWarning() {
		var noDns = new DnsConfigurer(List.of(), "cluster.local", this.hostFile);
		var result = noDns.configure(pod("ClusterFirst", false).build());
		assertThat(result.conf().nameservers()).containsExactly("192.168.1.1", "192.168.1.2");
		assertThat(result.warnings()).singleElement().satisfies(w -> {
			assertThat(w.reason()).isEqualTo("MissingClusterDNS");
			assertThat(w.message()).isEqualTo("pod: \"p_web(uid-p)\". kubelet does not have ClusterDNS IP configured "
					+ "and cannot create Pod using \"ClusterFirst\" policy. Falling back to \"Default\" policy.");
		});
	}

	@Test
	void withoutANodeResolvConfDefaultPointsAtLocalhost() {
		var none = new DnsConfigurer(List.of("10.96.0.10"), "cluster.local", "");
		var conf = none.configure(pod("Default", false).build()).conf();
		assertThat(conf.nameservers()).containsExactly("127.0.0.1");
		assertThat(conf.searches()).containsExactly(".");
	}

	@Test
	void noneUsesOnlyDnsConfig() {
		Pod pod = pod("None", false).editSpec()
			.withDnsConfig(new PodDNSConfigBuilder().withNameservers("1.2.3.4")
				.withSearches("a.example")
				.withOptions(new PodDNSConfigOption("ndots", "2"), new PodDNSConfigOption("edns0", null))
				.build())
			.endSpec()
			.build();
		var conf = this.cluster.configure(pod).conf();
		assertThat(conf.nameservers()).containsExactly("1.2.3.4");
		assertThat(conf.searches()).containsExactly("a.example");
		assertThat(conf.options()).containsExactly("ndots:2", "edns0");
		assertThat(conf.render()).isEqualTo("search a.example\nnameserver 1.2.3.4\noptions ndots:2 edns0\n");
	}

	@Test
	void dnsConfigIsAppendedWithoutDuplicatesAndItsOptionsOverrideByName() {
		Pod pod = pod("ClusterFirst", false).editSpec()
			.withDnsConfig(new PodDNSConfigBuilder().withNameservers("10.96.0.10", "8.8.8.8")
				.withSearches("cluster.local", "extra.example")
				.withOptions(new PodDNSConfigOption("ndots", "1"), new PodDNSConfigOption("single-request", null))
				.build())
			.endSpec()
			.build();
		var conf = this.cluster.configure(pod).conf();
		assertThat(conf.nameservers()).containsExactly("10.96.0.10", "8.8.8.8");
		assertThat(conf.searches()).containsExactly("web.svc.cluster.local", "svc.cluster.local", "cluster.local",
				"corp.example", "lab.example", "extra.example");
		assertThat(conf.options()).containsExactly("ndots:1", "single-request");
	}

	@Test
	void moreThanThreeNameserversAreCutWithAWarning() {
		Pod pod = pod("ClusterFirst", false).editSpec()
			.withDnsConfig(new PodDNSConfigBuilder().withNameservers("1.1.1.1", "2.2.2.2", "3.3.3.3").build())
			.endSpec()
			.build();
		var result = this.cluster.configure(pod);
		assertThat(result.conf().nameservers()).containsExactly("10.96.0.10", "1.1.1.1", "2.2.2.2");
		assertThat(result.warnings()).singleElement()
			.satisfies(w -> assertThat(w.reason() + ": " + w.message()).isEqualTo("DNSConfigForming: Nameserver "
					+ "limits were exceeded, some nameservers have been omitted, the applied nameserver line is: "
					+ "10.96.0.10 1.1.1.1 2.2.2.2"));
	}

	@Test
	void searchPathsAreCutToThirtyTwoAndToTheLineLimitWithAWarning() {
		List<String> many = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			many.add("d" + i + ".example");
		}
		var result = this.cluster.configure(pod("None", false).editSpec()
			.withDnsConfig(new PodDNSConfigBuilder().withSearches(many).build())
			.endSpec()
			.build());
		assertThat(result.conf().searches()).hasSize(32).endsWith("d31.example");
		assertThat(result.warnings()).singleElement()
			.satisfies(w -> assertThat(w.message()).startsWith("Search Line limits were exceeded"));

		List<String> long200 = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			long200.add(("x" + i + ".").repeat(100).substring(0, 199) + "e");
		}
		var cut = this.cluster.configure(pod("None", false).editSpec()
			.withDnsConfig(new PodDNSConfigBuilder().withSearches(long200).build())
			.endSpec()
			.build());
		assertThat(String.join(" ", cut.conf().searches()).length()).isLessThanOrEqualTo(2048);
		assertThat(cut.conf().searches()).hasSize(10);
		assertThat(cut.warnings()).hasSize(1);
	}

	@Test
	void aSearchDomainLongerThanASubdomainIsDropped() {
		String tooLong = "a".repeat(254);
		var result = this.cluster.configure(pod("None", false).editSpec()
			.withDnsConfig(new PodDNSConfigBuilder().withSearches("ok.example", tooLong).build())
			.endSpec()
			.build());
		assertThat(result.conf().searches()).containsExactly("ok.example");
		assertThat(result.warnings()).hasSize(1);
	}

	private static PodBuilder pod(String policy, boolean hostNetwork) {
		return new PodBuilder().withNewMetadata()
			.withName("p")
			.withNamespace("web")
			.withUid("uid-p")
			.endMetadata()
			.withNewSpec()
			.withDnsPolicy(policy)
			.withHostNetwork(hostNetwork)
			.addNewContainer()
			.withName("main")
			.withImage("app:1")
			.endContainer()
			.endSpec();
	}

}
