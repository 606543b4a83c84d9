package io.stevedore.controller.certificates;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** kube-controller-manager's rules for its {@code --cluster-signing-*} files. */
class SigningCasTest {

	private static final String P = SigningCas.PREFIX;

	private static final TestPki ONE = new TestPki(Duration.ofDays(30));

	private static final TestPki TWO = new TestPki(Duration.ofDays(30));

	static Stream<Arguments> settings() {
		return Stream.of(Arguments.of("nothing set is fine (nothing is signed)", Map.of(), List.of()),
				Arguments.of("one CA for every signer is fine", Map.of(P + "cert-file", "a", P + "key-file", "b"),
						List.of()),
				Arguments.of("a CA for some signers only is fine",
						Map.of(P + "kubelet-serving-cert-file", "a", P + "kubelet-serving-key-file", "b"), List.of()),
				Arguments.of("a certificate without its key is refused", Map.of(P + "cert-file", "a"),
						List.of(P + "cert-file is set without " + P + "key-file")),
				Arguments.of("a signer's key without its certificate is refused",
						Map.of(P + "kubelet-client-key-file", "b"),
						List.of(P + "kubelet-client-key-file is set without " + P + "kubelet-client-cert-file")),
				Arguments.of("a blank value counts as unset", Map.of(P + "cert-file", " ", P + "key-file", ""),
						List.of()),
				Arguments.of("the single CA together with a signer's CA is refused, naming both",
						Map.of(P + "cert-file", "a", P + "key-file", "b", P + "kube-apiserver-client-cert-file", "c",
								P + "kube-apiserver-client-key-file", "d"),
						List.of("cannot set " + P + "cert-file/key-file together with " + P
								+ "kube-apiserver-client-cert-file, " + P + "kube-apiserver-client-key-file")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("settings")
	void theFilesAreCheckedAsKubernetesChecksItsFlags(String name, Map<String, String> properties,
			List<String> problems) {
		assertThat(SigningCas.problems(properties::get)).containsExactlyElementsOf(problems);
	}

	@Test
	void contradictingFilesAreRefusedBeforeAnyIsRead() {
		Map<String, String> properties = Map.of(P + "cert-file", "/does/not/exist", P + "key-file", "/nor/this",
				P + "kubelet-serving-cert-file", "/x");

		assertThatThrownBy(() -> SigningCas.fromProperties(properties::get, Duration.ofDays(1)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining(P + "kubelet-serving-cert-file is set without " + P + "kubelet-serving-key-file")
			.hasMessageContaining("cannot set " + P + "cert-file/key-file together with");
	}

	@Test
	void oneCaSignsForEveryBuiltInSigner() {
		Path dir = CaFiles.write(ONE);
		SigningCas cas = SigningCas.fromProperties(Map.of(P + "cert-file", dir.resolve("ca.crt").toString(),
				P + "key-file", dir.resolve("ca.key").toString())::get, Duration.ofDays(1));

		for (String signer : List.of(BuiltInSigners.KUBE_APISERVER_CLIENT, BuiltInSigners.KUBELET_SERVING,
				NodeClientRequest.SIGNER)) {
			assertThat(cas.forSigner(signer)).hasValueSatisfying((ca) -> assertThat(ca.ca()).isEqualTo(ONE.ca));
		}
		assertThat(cas.forSigner("example.com/custom")).isEmpty();
		assertThat(cas.forSigner(null)).isEmpty();
	}

	@Test
	void perSignerFilesGiveEachSignerItsCaAndTheRestNone() {
		Path serving = CaFiles.write(ONE);
		Path clients = CaFiles.write(TWO);
		Map<String, String> properties = new HashMap<>();
		properties.put(P + "kubelet-serving-cert-file", serving.resolve("ca.crt").toString());
		properties.put(P + "kubelet-serving-key-file", serving.resolve("ca.key").toString());
		properties.put(P + "kube-apiserver-client-cert-file", clients.resolve("ca.crt").toString());
		properties.put(P + "kube-apiserver-client-key-file", clients.resolve("ca.key").toString());

		SigningCas cas = SigningCas.fromProperties(properties::get, Duration.ofDays(1));

		assertThat(cas.forSigner(BuiltInSigners.KUBELET_SERVING))
			.hasValueSatisfying((ca) -> assertThat(ca.ca()).isEqualTo(ONE.ca));
		assertThat(cas.forSigner(BuiltInSigners.KUBE_APISERVER_CLIENT))
			.hasValueSatisfying((ca) -> assertThat(ca.ca()).isEqualTo(TWO.ca));
		assertThat(cas.forSigner(NodeClientRequest.SIGNER)).isEmpty();
		assertThat(cas.isEmpty()).isFalse();
	}

}
