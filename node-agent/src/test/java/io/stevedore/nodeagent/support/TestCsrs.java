package io.stevedore.nodeagent.support;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** What the tests that play csrapproving and csrsigning need. */
public final class TestCsrs {

	private TestCsrs() {
	}

	/** The first CertificateSigningRequest of that signer, waited for. */
	public static CertificateSigningRequest await(KubernetesClient client, String signer, Duration atMost) {
		return org.awaitility.Awaitility.await()
			.atMost(atMost)
			.until(() -> client.certificates()
				.v1()
				.certificateSigningRequests()
				.list()
				.getItems()
				.stream()
				.filter((c) -> signer.equals(c.getSpec().getSignerName()))
				.findFirst()
				.orElse(null), (c) -> c != null);
	}

	/**
	 * What csrapproving and csrsigning would do: the Approved condition, then the
	 * certificate in status.
	 */
	public static void approveAndIssue(KubernetesClient client, String name, String certificatePem) {
		client.certificates().v1().certificateSigningRequests().withName(name).approve();
		CertificateSigningRequest approved = client.certificates()
			.v1()
			.certificateSigningRequests()
			.withName(name)
			.get();
		approved.getStatus()
			.setCertificate(Base64.getEncoder().encodeToString(certificatePem.getBytes(StandardCharsets.US_ASCII)));
		client.certificates().v1().certificateSigningRequests().resource(approved).updateStatus();
	}

	/** The PKCS#10 request in spec.request. */
	public static PKCS10CertificationRequest parse(CertificateSigningRequest csr) {
		try (PEMParser parser = new PEMParser(new StringReader(
				new String(Base64.getDecoder().decode(csr.getSpec().getRequest()), StandardCharsets.US_ASCII)))) {
			return (PKCS10CertificationRequest) parser.readObject();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
