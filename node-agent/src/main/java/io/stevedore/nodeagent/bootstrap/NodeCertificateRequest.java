package io.stevedore.nodeagent.bootstrap;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A new key and the CertificateSigningRequest for {@code system:node:<name>} in
 * {@code system:nodes}, as the kubelet makes them for the
 * {@code kubernetes.io/kube-apiserver-client-kubelet} signer (its client certificate) and
 * the {@code kubernetes.io/kubelet-serving} signer (its serving certificate). RSA 2048
 * (so usages add key encipherment, as the kubelet's for RSA keys): fabric8 reads an
 * unencrypted PKCS#8 key as RSA.
 */
public record NodeCertificateRequest(KeyPair key, CertificateSigningRequest csr) {

	public static final String SIGNER = "kubernetes.io/kube-apiserver-client-kubelet";

	public static final String SERVING_SIGNER = "kubernetes.io/kubelet-serving";

	public static NodeCertificateRequest create(String nodeName) {
		return create(nodeName, null);
	}

	/**
	 * @param duration the lifetime asked for (spec.expirationSeconds), or null for the
	 * signer's
	 */
	public static NodeCertificateRequest create(String nodeName, Duration duration) {
		return create(nodeName, duration, SIGNER, List.of("digital signature", "key encipherment", "client auth"),
				null);
	}

	/**
	 * The kubelet's serving certificate request ({@code serverTLSBootstrap}): signer
	 * {@code kubernetes.io/kubelet-serving}, the same subject, the node's addresses as
	 * subject alternative names and usages digital signature, key encipherment (the key
	 * is RSA) and server auth.
	 * @param hostnames DNS names (the node's Hostname addresses)
	 * @param ips IP addresses (its InternalIP and ExternalIP addresses)
	 */
	public static NodeCertificateRequest createServing(String nodeName, Duration duration, List<String> hostnames,
			List<String> ips) {
		List<GeneralName> names = new ArrayList<>();
		hostnames.forEach((name) -> names.add(new GeneralName(GeneralName.dNSName, name)));
		ips.forEach((ip) -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
		if (names.isEmpty()) {
			throw new IllegalArgumentException("a serving certificate needs at least one address of the node");
		}
		return create(nodeName, duration, SERVING_SIGNER,
				List.of("digital signature", "key encipherment", "server auth"),
				new GeneralNames(names.toArray(GeneralName[]::new)));
	}

	private static NodeCertificateRequest create(String nodeName, Duration duration, String signer, List<String> usages,
			GeneralNames altNames) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			KeyPair key = generator.generateKeyPair();
			var builder = new JcaPKCS10CertificationRequestBuilder(
					new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "system:nodes")
						.addRDN(BCStyle.CN, "system:node:" + nodeName)
						.build(),
					key.getPublic());
			if (altNames != null) {
				ExtensionsGenerator extensions = new ExtensionsGenerator();
				extensions.addExtension(Extension.subjectAlternativeName, false, altNames);
				builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
			}
			PKCS10CertificationRequest request = builder
				.build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate()));
			String pem = pem(request);
			CertificateSigningRequest csr = new CertificateSigningRequestBuilder().withNewMetadata()
				// Kubernetes' kubelet names them node-csr-<hash> (client) and
				// csr-<random>
				// (serving); generateName keeps them apart.
				.withGenerateName(altNames == null ? "node-csr-" : "csr-")
				.endMetadata()
				.withNewSpec()
				.withRequest(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)))
				.withSignerName(signer)
				.withUsages(usages)
				.withExpirationSeconds(duration == null ? null : Math.toIntExact(duration.toSeconds()))
				.endSpec()
				.build();
			return new NodeCertificateRequest(key, csr);
		}
		catch (NoSuchAlgorithmException | OperatorCreationException ex) {
			throw new IllegalStateException("cannot make the node's key and request: " + ex.getMessage(), ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The private key as unencrypted PKCS#8 PEM. */
	public String keyPem() {
		try {
			return pem(new JcaPKCS8Generator(this.key.getPrivate(), null));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String pem(Object object) {
		StringWriter out = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
			writer.writeObject(object instanceof JcaPKCS8Generator generator ? generator.generate() : object);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toString();
	}

}
