package io.stevedore.proxy.networkpolicy;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpecBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The policy to iptables translation, on fabric8 objects, without a kernel. */
class PolicyRendererTest {

	private final PolicyRenderer renderer = new PolicyRenderer("NP", 17);

	private final List<Pod> pods = List.of(pod("a", "web", "10.0.0.2", Map.of("app", "web")),
			pod("a", "db", "10.0.0.3", Map.of("app", "db")), pod("b", "client", "10.0.0.4", Map.of("app", "client")),
			pod("b", "web", "10.0.0.5", Map.of("app", "web")));

	private final List<Namespace> namespaces = List.of(namespace("a", Map.of()),
			namespace("b", Map.of("team", "blue")));

	@Test
	void withoutPoliciesOnlyRepliesAndTheMarkClearingAreThere() {
		PolicyRenderer.Result result = render();

		assertThat(result.enforced()).isZero();
		assertThat(result.rules().filter()).containsOnlyKeys("NP-FORWARD", "NP-INPUT");
		assertThat(result.rules().filter().get("NP-FORWARD"))
			.isEqualTo("-A NP-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n"
					+ "-A NP-FORWARD -j MARK --set-xmark 0x0/0x20000\n");
	}

	@Test
	void aPolicyWithoutRulesDeniesAllIngressOfTheSelectedPodsOnly() {
		PolicyRenderer.Result result = render(policy("a", "deny", Map.of("app", "web"), spec -> {
		}));

		assertThat(result.enforced()).isEqualTo(1);
		String forward = result.rules().filter().get("NP-FORWARD");
		assertThat(forward).contains("-d 10.0.0.2/32 -j NP-I-")
			.doesNotContain("10.0.0.5")
			.doesNotContain("-s 10.0.0.2");
		String chain = chain(result, "NP-I-");
		assertThat(chain).doesNotContain("--set-xmark 0x20000/0x20000")
			.endsWith("-m comment --comment \"a/web: no NetworkPolicy allows this ingress\" -j DROP\n");
		assertThat(result.rules().filter().get("NP-INPUT")).doesNotContain("10.0.0.2");
	}

	@Test
	void podSelectorPeersAreThePoliciesNamespacePodsNamespaceSelectorOthersAndBothTheIntersection() {
		String ownNamespace = chain(
				render(ingressFrom(new NetworkPolicyPeerBuilder().withPodSelector(selector("app", "web")).build())),
				"NP-I-");
		assertThat(ownNamespace).contains("-s 10.0.0.2/32").doesNotContain("10.0.0.5");

		String blueTeam = chain(
				render(ingressFrom(
						new NetworkPolicyPeerBuilder().withNamespaceSelector(selector("team", "blue")).build())),
				"NP-I-");
		assertThat(blueTeam).contains("-s 10.0.0.4/32").contains("-s 10.0.0.5/32").doesNotContain("10.0.0.3");

		String both = chain(
				render(ingressFrom(new NetworkPolicyPeerBuilder().withNamespaceSelector(selector("team", "blue"))
					.withPodSelector(selector("app", "web"))
					.build())),
				"NP-I-");
		assertThat(both).contains("-s 10.0.0.5/32").doesNotContain("10.0.0.4").doesNotContain("-s 10.0.0.2");

		String byName = chain(render(ingressFrom(
				new NetworkPolicyPeerBuilder().withNamespaceSelector(selector(PolicyRenderer.NAMESPACE_NAME_LABEL, "b"))
					.build())),
				"NP-I-");
		assertThat(byName).contains("-s 10.0.0.4/32");
	}

	@Test
	void ipBlockExceptionsReturnUnmarkedFromTheirOwnChain() {
		PolicyRenderer.Result result = render(ingressFrom(new NetworkPolicyPeerBuilder().withNewIpBlock()
			.withCidr("172.16.0.0/12")
			.withExcept("172.17.0.0/16")
			.endIpBlock()
			.build()));

		String x = chain(result, "NP-X-");
		assertThat(x).contains("-s 172.17.0.0/16 -j RETURN\n").endsWith("-j MARK --set-xmark 0x20000/0x20000\n");
		assertThat(chain(result, "NP-I-")).contains("-s 172.16.0.0/12 -m comment --comment \"a/p\" -j NP-X-");
	}

	@Test
	void portsNumberedNamedRangesAndProtocols() {
		NetworkPolicy policy = policy("a", "p", Map.of("app", "web"),
				spec -> spec.addNewIngress()
					.withPorts(port("TCP", new IntOrString(80), null), port("UDP", new IntOrString(5000), 5010),
							port(null, new IntOrString("http"), null), port("TCP", new IntOrString("nope"), null))
					.endIngress());

		String chain = chain(render(policy), "NP-I-");

		assertThat(chain).contains("-p tcp -m tcp --dport 80 ")
			.contains("-p udp -m udp --dport 5000:5010 ")
			.contains("-p tcp -m tcp --dport 8080 ");
		// the unresolvable named port allows nothing: three allow lines
		assertThat(chain.lines().filter(l -> l.contains("--set-xmark 0x20000/0x20000"))).hasSize(3);
	}

	@Test
	void egressIsSelectedByPolicyTypesOrByHavingEgressRulesAndNamedPortsResolveOnTheDestination() {
		NetworkPolicy policy = policy("b", "out", Map.of("app", "client"),
				spec -> spec.addNewEgress()
					.withTo(new NetworkPolicyPeerBuilder()
						.withNamespaceSelector(selector(PolicyRenderer.NAMESPACE_NAME_LABEL, "a"))
						.build())
					.withPorts(port("TCP", new IntOrString("http"), null))
					.endEgress());

		PolicyRenderer.Result result = render(policy);

		assertThat(result.rules().filter().get("NP-FORWARD")).contains("-s 10.0.0.4/32 -j NP-E-")
			.contains("-d 10.0.0.4/32 -j NP-I-");
		assertThat(result.rules().filter().get("NP-INPUT")).contains("-s 10.0.0.4/32 -j NP-E-");
		// only a/web names a port "http"
		assertThat(chain(result, "NP-E-")).contains("-d 10.0.0.2/32 -p tcp -m tcp --dport 8080")
			.doesNotContain("10.0.0.3");
		assertThat(render(policy("b", "out", Map.of("app", "client"), spec -> spec.withPolicyTypes("Egress"))).rules()
			.filter()
			.keySet()).noneMatch(c -> c.startsWith("NP-I-"));
	}

	@Test
	void unusablePartsBecomeProblemsAndTheRestStays() {
		NetworkPolicy policy = policy("a", "bad", Map.of("app", "web"),
				spec -> spec.addNewIngress()
					.withFrom(new NetworkPolicyPeerBuilder().withNewIpBlock()
						.withCidr("10.0.0.0/24")
						.withExcept("10.9.0.0/24")
						.endIpBlock()
						.build(), new NetworkPolicyPeerBuilder().withPodSelector(selector("app", "db")).build())
					.endIngress());

		PolicyRenderer.Result result = render(policy);

		assertThat(result.problems()).containsOnlyKeys("a/bad");
		assertThat(result.problems().get("a/bad")).contains("10.9.0.0/24 is not inside 10.0.0.0/24");
		assertThat(chain(result, "NP-I-")).contains("-s 10.0.0.3/32");
	}

	@Test
	void badSettingsAreNamed() {
		assertThatIllegalArgumentException().isThrownBy(() -> new PolicyRenderer("np", 17))
			.withMessageContaining("stevedore.proxy.network-policy.chain-prefix");
		assertThatIllegalArgumentException().isThrownBy(() -> new PolicyRenderer("NP", 40))
			.withMessageContaining("stevedore.proxy.network-policy.mark-bit");
	}

	private PolicyRenderer.Result render(NetworkPolicy... policies) {
		return this.renderer.render(List.of(policies), this.pods, this.namespaces);
	}

	private static String chain(PolicyRenderer.Result result, String prefix) {
		return result.rules()
			.filter()
			.entrySet()
			.stream()
			.filter(e -> e.getKey().startsWith(prefix))
			.map(Map.Entry::getValue)
			.findFirst()
			.orElse(null);
	}

	private static NetworkPolicy ingressFrom(NetworkPolicyPeer peer) {
		return policy("a", "p", Map.of("app", "web"), spec -> spec.addNewIngress().withFrom(peer).endIngress());
	}

	static NetworkPolicy policy(String namespace, String name, Map<String, String> podLabels,
			java.util.function.Consumer<NetworkPolicySpecBuilder> spec) {
		NetworkPolicySpecBuilder builder = new NetworkPolicySpecBuilder()
			.withPodSelector(new LabelSelectorBuilder().withMatchLabels(podLabels).build());
		spec.accept(builder);
		return new NetworkPolicyBuilder().withNewMetadata()
			.withNamespace(namespace)
			.withName(name)
			.endMetadata()
			.withSpec(builder.build())
			.build();
	}

	static io.fabric8.kubernetes.api.model.LabelSelector selector(String key, String value) {
		return new LabelSelectorBuilder().withMatchLabels(Map.of(key, value)).build();
	}

	static NetworkPolicyPort port(String protocol, IntOrString port, Integer endPort) {
		return new NetworkPolicyPortBuilder().withProtocol(protocol).withPort(port).withEndPort(endPort).build();
	}

	private static Pod pod(String namespace, String name, String ip, Map<String, String> labels) {
		return new PodBuilder().withNewMetadata()
			.withNamespace(namespace)
			.withName(name)
			.withLabels(labels)
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("c")
			.addNewPort()
			.withName(labels.get("app").equals("web") && namespace.equals("a") ? "http" : "other")
			.withContainerPort(8080)
			.endPort()
			.endContainer()
			.endSpec()
			.withNewStatus()
			.withPodIP(ip)
			.withPhase("Running")
			.endStatus()
			.build();
	}

	private static Namespace namespace(String name, Map<String, String> labels) {
		return new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
	}

}
