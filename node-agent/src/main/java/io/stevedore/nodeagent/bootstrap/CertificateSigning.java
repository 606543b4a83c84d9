package io.stevedore.nodeagent.bootstrap;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts a node's CertificateSigningRequest with whatever identity the client has (the
 * bootstrap token at first, the node's own certificate when it renews) and waits until
 * the cluster approved and issued it, as the kubelet's {@code csr.RequestCertificate} and
 * {@code WaitForCertificate}.
 */
public final class CertificateSigning {

	private static final Logger log = LoggerFactory.getLogger(CertificateSigning.class);

	private final Clock clock;

	private final Duration timeout;

	public CertificateSigning(Clock clock, Duration timeout) {
		this.clock = clock;
		this.timeout = timeout;
	}

	/** The issued certificate as PEM. */
	public String issue(KubernetesClient client, String nodeName, NodeCertificateRequest request) {
		CertificateSigningRequest created = client.certificates()
			.v1()
			.certificateSigningRequests()
			.resource(request.csr())
			.create();
		String name = created.getMetadata().getName();
		log.info("node {}: asked for a {} certificate with CertificateSigningRequest {}", nodeName,
				request.csr().getSpec().getSignerName(), name);
		return awaitCertificate(client, name);
	}

	private String awaitCertificate(KubernetesClient client, String name) {
		Instant deadline = this.clock.instant().plus(this.timeout);
		while (true) {
			CertificateSigningRequest csr = client.certificates()
				.v1()
				.certificateSigningRequests()
				.withName(name)
				.get();
			if (csr == null) {
				throw new IllegalStateException(
						"CertificateSigningRequest " + name + " was deleted before it was issued");
			}
			if (csr.getStatus() != null) {
				if (csr.getStatus().getConditions() != null) {
					for (var c : csr.getStatus().getConditions()) {
						if (("Denied".equals(c.getType()) || "Failed".equals(c.getType()))
								&& "True".equals(c.getStatus())) {
							throw new IllegalStateException("CertificateSigningRequest " + name + " " + c.getType()
									+ ": " + c.getReason() + " " + c.getMessage());
						}
					}
				}
				String certificate = csr.getStatus().getCertificate();
				if (certificate != null && !certificate.isEmpty()) {
					return new String(Base64.getMimeDecoder().decode(certificate), StandardCharsets.US_ASCII);
				}
			}
			if (this.clock.instant().isAfter(deadline)) {
				throw new IllegalStateException("CertificateSigningRequest " + name + " was not issued within "
						+ this.timeout + " (is it approved? kubectl get csr " + name + ")");
			}
			try {
				Thread.sleep(500);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted waiting for CertificateSigningRequest " + name, ex);
			}
		}
	}

}
