package io.stevedore.controller.certificates;

import java.nio.file.Path;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import io.stevedore.controller.support.ControlPlaneExtension;
import io.stevedore.testsupport.pki.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * csrsigning with a CA per signer, as kube-controller-manager's
 * {@code --cluster-signing-kubelet-serving-cert-file} and
 * {@code --cluster-signing-kube-apiserver-client-cert-file} give them: each request is
 * signed by its own signer's CA and no other, and the signer left without a CA
 * ({@code kube-apiserver-client-kubelet}) signs nothing.
 */
class CsrSigningPerSignerIT {

	private static final TestPki SERVING = new TestPki(Duration.ofDays(30));

	private static final TestPki CLIENTS = new TestPki(Duration.ofDays(30));

	private static final Path SERVING_CA = CaFiles.write(SERVING);

	private static final Path CLIENTS_CA = CaFiles.write(CLIENTS);

	@RegisterExtension
	static final ControlPlaneExtension plane = new ControlPlaneExtension("--stevedore.controllers.enabled=csrsigning",
			"--stevedore.controllers.cluster-signing-kubelet-serving-cert-file=" + SERVING_CA.resolve("ca.crt"),
			"--stevedore.controllers.cluster-signing-kubelet-serving-key-file=" + SERVING_CA.resolve("ca.key"),
			"--stevedore.controllers.cluster-signing-kube-apiserver-client-cert-file=" + CLIENTS_CA.resolve("ca.crt"),
			"--stevedore.controllers.cluster-signing-kube-apiserver-client-key-file=" + CLIENTS_CA.resolve("ca.key"));

	private final CsrRequests requests = new CsrRequests(plane.client());

	@Test
	void eachSignerSignsWithItsOwnCaAndASignerWithoutOneLeavesItsRequestsWaiting() throws Exception {
		this.requests.create(TestPki.csr("client", BuiltInSigners.KUBE_APISERVER_CLIENT, "O=devs,CN=alice",
				TestKeys.ec(), "admin", List.of("client auth")), true);
		this.requests.create(TestPki.csr("serving", BuiltInSigners.KUBELET_SERVING, "O=system:nodes,CN=system:node:n1",
				TestKeys.ec(), "system:node:n1", List.of("digital signature", "server auth"), TestPki.dns("n1.local")),
				true);
		this.requests.create(TestPki.csr("node", "O=system:nodes,CN=system:node:n1", TestKeys.ec(),
				"system:bootstrap:abcdef", List.of("digital signature", "client auth"), null), true);

		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.requests.certificate("client") != null && this.requests.certificate("serving") != null);
		X509Certificate client = this.requests.certificate("client");
		client.verify(CLIENTS.ca.getPublicKey());
		assertThatThrownBy(() -> client.verify(SERVING.ca.getPublicKey())).isInstanceOf(SignatureException.class);
		X509Certificate serving = this.requests.certificate("serving");
		serving.verify(SERVING.ca.getPublicKey());
		assertThatThrownBy(() -> serving.verify(CLIENTS.ca.getPublicKey())).isInstanceOf(SignatureException.class);
		// The two others were signed while this one waited in the same queue: it is
		// left alone, neither issued nor failed.
		assertThat(this.requests.get("node").getStatus().getCertificate()).isNull();
		assertThat(this.requests.get("node").getStatus().getConditions()).extracting((c) -> c.getType())
			.containsExactly("Approved");
	}

}
