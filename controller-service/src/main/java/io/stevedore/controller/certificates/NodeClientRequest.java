package io.stevedore.controller.certificates;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A CertificateSigningRequest of the kubelet client signer, parsed and checked as
 * Kubernetes' {@code ValidateKubeletClientCSR}: subject exactly
 * {@code O=system:nodes, CN=system:node:<name>}, no subject alternative names, usages
 * {@code client auth} with at most {@code digital signature} and {@code key encipherment}
 * besides, and a signature made by the key it asks a certificate for.
 */
public final class NodeClientRequest {

	public static final String SIGNER = "kubernetes.io/kube-apiserver-client-kubelet";

	public static final String NODE_PREFIX = "system:node:";

	public static final String NODES_GROUP = "system:nodes";

	private static final Set<String> ALLOWED_USAGES = Set.of("client auth", "digital signature", "key encipherment");

	private NodeClientRequest() {
	}

	/** The PKCS#10 request in spec.request (base64 of PEM). */
	public static PKCS10CertificationRequest parse(CertificateSigningRequest csr) throws IOException {
		String pem = new String(Base64.getMimeDecoder().decode(csr.getSpec().getRequest()), StandardCharsets.US_ASCII);
		try (PEMParser parser = new PEMParser(new StringReader(pem))) {
			Object object = parser.readObject();
			if (object instanceof PKCS10CertificationRequest request) {
				return request;
			}
			throw new IOException("spec.request holds no CERTIFICATE REQUEST");
		}
	}

	/**
	 * Why this is not a node client request, or {@code null} when it is one.
	 */
	public static String problem(CertificateSigningRequest csr, PKCS10CertificationRequest request) {
		List<String> problems = new ArrayList<>();
		X500Name subject = request.getSubject();
		List<String> organizations = values(subject, BCStyle.O);
		List<String> commonNames = values(subject, BCStyle.CN);
		if (!organizations.equals(List.of(NODES_GROUP))) {
			problems.add("subject organization is not system:nodes");
		}
		if (commonNames.size() != 1 || !commonNames.get(0).startsWith(NODE_PREFIX)
				|| commonNames.get(0).length() == NODE_PREFIX.length()) {
			problems.add("subject common name does not begin with system:node:");
		}
		if (subject.getRDNs().length != organizations.size() + commonNames.size()) {
			problems.add("subject has attributes other than O and CN");
		}
		if (!SubjectAltNames.of(request).isEmpty()) {
			problems.add("subject alternative names are not allowed");
		}
		List<String> usages = csr.getSpec().getUsages() == null ? List.of() : csr.getSpec().getUsages();
		if (!usages.contains("client auth") || !ALLOWED_USAGES.containsAll(usages)) {
			problems.add("usages must be client auth, with digital signature and key encipherment allowed: " + usages);
		}
		String signature = RequestSignature.problem(request);
		if (signature != null) {
			problems.add(signature);
		}
		return problems.isEmpty() ? null : String.join("; ", problems);
	}

	/** The node the request is for: CN minus system:node:. */
	public static String nodeName(PKCS10CertificationRequest request) {
		return values(request.getSubject(), BCStyle.CN).get(0).substring(NODE_PREFIX.length());
	}

	static List<String> values(X500Name name, ASN1ObjectIdentifier type) {
		List<String> values = new ArrayList<>();
		for (RDN rdn : name.getRDNs(type)) {
			values.add(rdn.getFirst().getValue().toString());
		}
		return values;
	}

}
