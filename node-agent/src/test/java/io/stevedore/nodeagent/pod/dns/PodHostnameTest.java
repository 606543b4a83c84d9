package io.stevedore.nodeagent.pod.dns;

import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PodHostnameTest {

	static Stream<Arguments> cases() {
		return Stream.of(
				Arguments.of("a plain pod is named after itself, no domain", pod("web-1", null, null, null),
						new PodHostname("web-1", "")),
				Arguments.of("spec.hostname wins over the pod's name", pod("web-1", "front", null, null),
						new PodHostname("front", "")),
				Arguments.of("a subdomain puts the pod in <subdomain>.<namespace>.svc.<domain>",
						pod("db-0", "db-0", "db", null), new PodHostname("db-0", "db.shop.svc.cluster.local")),
				Arguments.of("setHostnameAsFQDN makes the whole name the hostname", pod("db-0", null, "db", true),
						new PodHostname("db-0.db.shop.svc.cluster.local", "")),
				Arguments.of("setHostnameAsFQDN without a subdomain changes nothing", pod("db-0", null, null, true),
						new PodHostname("db-0", "")),
				Arguments.of("a name over 63 characters is cut there, its trailing dashes and dots dropped",
						pod("a".repeat(61) + "--b", null, null, null), new PodHostname("a".repeat(61), "")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void worksItOutAsTheKubeletDoes(String name, Pod pod, PodHostname expected) {
		assertThat(PodHostname.of(pod, "cluster.local")).isEqualTo(expected);
	}

	@Test
	void aFullyQualifiedHostnameOver64CharactersIsRefusedWithTheKubeletsWords() {
		Pod pod = pod("x", "h".repeat(40), "sub", true);
		assertThatIllegalArgumentException().isThrownBy(() -> PodHostname.of(pod, "cluster.local"))
			.withMessage("failed to construct FQDN from pod hostname and cluster domain, FQDN " + "h".repeat(40)
					+ ".sub.shop.svc.cluster.local is too long (64 characters is the max, 67 characters requested)");
	}

	private static Pod pod(String name, String hostname, String subdomain, Boolean fqdn) {
		return new PodBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("shop")
			.endMetadata()
			.withNewSpec()
			.withHostname(hostname)
			.withSubdomain(subdomain)
			.withSetHostnameAsFQDN(fqdn)
			.endSpec()
			.build();
	}

}
