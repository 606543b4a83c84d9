package io.stevedore.controller.certificates;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The {@code kubernetes.io/kubelet-serving} signer's checks, as Kubernetes'
 * {@code ValidateKubeletServingCSR}, first failure wins: organization exactly
 * {@code system:nodes}, at least one DNS or IP subject alternative name and no email or
 * URI one, usages exactly {@code digital signature, key encipherment, server auth} (or
 * without key encipherment, for non-RSA keys), and a common name beginning with
 * {@code system:node:}.
 */
final class KubeletServingRequest {

	static final Set<String> USAGES = Set.of("digital signature", "key encipherment", "server auth");

	static final Set<String> USAGES_WITHOUT_KEY_ENCIPHERMENT = Set.of("digital signature", "server auth");

	private KubeletServingRequest() {
	}

	static String problem(CertificateSigningRequest csr, PKCS10CertificationRequest request) {
		if (!NodeClientRequest.values(request.getSubject(), BCStyle.O).equals(List.of(NodeClientRequest.NODES_GROUP))) {
			return "subject organization is not system:nodes";
		}
		SubjectAltNames names = SubjectAltNames.of(request);
		if (names.dnsNames().isEmpty() && names.ipAddresses().isEmpty()) {
			return "DNS or IP subjectAltName is required";
		}
		if (!names.emailAddresses().isEmpty()) {
			return "Email subjectAltNames are not allowed";
		}
		if (!names.uris().isEmpty()) {
			return "URI subjectAltNames are not allowed";
		}
		Set<String> usages = new HashSet<>(csr.getSpec().getUsages() == null ? List.of() : csr.getSpec().getUsages());
		if (!usages.equals(USAGES) && !usages.equals(USAGES_WITHOUT_KEY_ENCIPHERMENT)) {
			return "usages did not match [digital signature key encipherment server auth]";
		}
		List<String> commonNames = NodeClientRequest.values(request.getSubject(), BCStyle.CN);
		if (commonNames.size() != 1 || !commonNames.get(0).startsWith(NodeClientRequest.NODE_PREFIX)) {
			return "subject common name does not begin with system:node:";
		}
		return RequestSignature.problem(request);
	}

}
