package io.stevedore.controller.certificates;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Whether a {@code kubernetes.io/kubelet-serving} request may be approved without a
 * human. Kubernetes approves none of them itself (its docs leave it to a cluster's own
 * approver, because only the cluster knows which names a node may claim); Stevedore's
 * rule is the one those docs ask for: the requester is the node itself
 * ({@code system:node:<name>} in {@code system:nodes}), the subject is
 * {@code O=system:nodes, CN=system:node:<name>}, every subject alternative name is one of
 * that Node's {@code status.addresses} (its Hostname among them), and the usages are
 * exactly digital signature and server auth, plus key encipherment for an RSA key. The
 * signer's own checks ({@link KubeletServingRequest}) come first.
 */
final class KubeletServingApproval {

	/**
	 * Why a request is not approved; {@code mayChange} when a later Node may allow it.
	 */
	record Verdict(String refusal, boolean mayChange) {

		static final Verdict APPROVED = new Verdict(null, false);

		boolean approved() {
			return this.refusal == null;
		}

		static Verdict refused(String refusal) {
			return new Verdict(refusal, false);
		}

	}

	private KubeletServingApproval() {
	}

	/**
	 * @param nodes the Node of a name, or null when there is none
	 */
	static Verdict verdict(CertificateSigningRequest csr, Function<String, Node> nodes) {
		PKCS10CertificationRequest request;
		try {
			request = NodeClientRequest.parse(csr);
		}
		catch (IOException | RuntimeException ex) {
			return Verdict.refused("spec.request cannot be read: " + ex.getMessage());
		}
		String problem = KubeletServingRequest.problem(csr, request);
		if (problem != null) {
			return Verdict.refused(problem);
		}
		String commonName = NodeClientRequest.values(request.getSubject(), BCStyle.CN).get(0);
		String nodeName = commonName.substring(NodeClientRequest.NODE_PREFIX.length());
		String requester = csr.getSpec().getUsername();
		if (!commonName.equals(requester)) {
			return Verdict.refused("requested by " + requester + ", not by the node " + commonName + " itself");
		}
		List<String> groups = csr.getSpec().getGroups() == null ? List.of() : csr.getSpec().getGroups();
		if (!groups.contains(NodeClientRequest.NODES_GROUP)) {
			return Verdict.refused("the requester " + requester + " is not in the group system:nodes");
		}
		String usages = usagesProblem(csr, request);
		if (usages != null) {
			return Verdict.refused(usages);
		}
		Node node = nodes.apply(nodeName);
		if (node == null) {
			return new Verdict("node " + nodeName + " does not exist", true);
		}
		List<String> addresses = addresses(node);
		SubjectAltNames names = SubjectAltNames.of(request);
		List<String> claimed = new ArrayList<>(names.dnsNames());
		claimed.addAll(names.ipAddresses());
		for (String name : claimed) {
			if (!addresses.contains(canonical(name))) {
				return new Verdict(
						"subjectAltName " + name + " is not one of node " + nodeName + "'s addresses " + addresses,
						true);
			}
		}
		return Verdict.APPROVED;
	}

	/** Exactly the kubelet's usages for its key: key encipherment only for RSA. */
	private static String usagesProblem(CertificateSigningRequest csr, PKCS10CertificationRequest request) {
		boolean rsa = PKCSObjectIdentifiers.rsaEncryption
			.equals(request.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm());
		Set<String> expected = rsa ? KubeletServingRequest.USAGES
				: KubeletServingRequest.USAGES_WITHOUT_KEY_ENCIPHERMENT;
		List<String> usages = csr.getSpec().getUsages() == null ? List.of() : csr.getSpec().getUsages();
		if (usages.size() != expected.size() || !new HashSet<>(usages).equals(expected)) {
			return "usages " + usages + " are not exactly " + expected.stream().sorted().toList() + " for "
					+ (rsa ? "an RSA" : "a non-RSA") + " key";
		}
		return null;
	}

	/** The Node's addresses, IPs in canonical text so that any spelling compares. */
	private static List<String> addresses(Node node) {
		List<String> addresses = new ArrayList<>();
		if (node.getStatus() != null && node.getStatus().getAddresses() != null) {
			for (NodeAddress address : node.getStatus().getAddresses()) {
				if (address.getAddress() != null && !address.getAddress().isEmpty()) {
					addresses.add(canonical(address.getAddress()));
				}
			}
		}
		return addresses;
	}

	/** An IP literal in the JDK's text for it; any other name as it is, lower-cased. */
	private static String canonical(String name) {
		if (name.matches("[0-9.]+") || name.contains(":")) {
			try {
				// A literal: parsed, never looked up.
				return InetAddress.getByName(name).getHostAddress();
			}
			catch (UnknownHostException ex) {
				return name;
			}
		}
		return name.toLowerCase(Locale.ROOT);
	}

}
