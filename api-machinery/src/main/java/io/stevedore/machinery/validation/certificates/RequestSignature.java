package io.stevedore.machinery.validation.certificates;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' check of a CertificateSigningRequest's spec.request on create
 * ({@code x509.ParseCertificateRequest} then {@code CheckSignature}): the PKCS#10
 * structure parses and its signature verifies with the public key it carries, so the
 * requester holds the key it asks a certificate for. JDK only: RSA (PKCS#1 v1.5 and PSS),
 * ECDSA and Ed25519 with SHA-2, as Go verifies them; SHA-1 is refused as Go refuses it.
 */
final class RequestSignature {

	/** Signature algorithm OID to JCA name (Go's signatureAlgorithmDetails). */
	private static final Map<String, String> SIGNATURES = Map.of("1.2.840.113549.1.1.11", "SHA256withRSA",
			"1.2.840.113549.1.1.12", "SHA384withRSA", "1.2.840.113549.1.1.13", "SHA512withRSA", "1.2.840.113549.1.1.10",
			"RSASSA-PSS", "1.2.840.10045.4.3.2", "SHA256withECDSA", "1.2.840.10045.4.3.3", "SHA384withECDSA",
			"1.2.840.10045.4.3.4", "SHA512withECDSA", "1.3.101.112", "Ed25519");

	private static final Map<String, String> INSECURE = Map.of("1.2.840.113549.1.1.5", "SHA1-RSA", "1.2.840.10045.4.1",
			"ECDSA-SHA1", "1.2.840.113549.1.1.4", "MD5-RSA");

	/** Public key algorithm OID to KeyFactory name. */
	private static final Map<String, String> KEYS = Map.of("1.2.840.113549.1.1.1", "RSA", "1.2.840.10045.2.1", "EC",
			"1.3.101.112", "Ed25519");

	private RequestSignature() {
	}

	/**
	 * Why the DER request is unreadable or its signature does not hold; null if sound.
	 */
	static String problem(byte[] der) {
		try {
			List<Der> request = Der.parse(der).expect(Der.SEQUENCE, "certificate request").children();
			if (request.size() != 3) {
				return "asn1: structure error: a certificate request has three parts";
			}
			Der info = request.get(0).expect(Der.SEQUENCE, "certification request info");
			List<Der> algorithm = request.get(1).expect(Der.SEQUENCE, "signature algorithm").children();
			byte[] signature = request.get(2).expect(Der.BIT_STRING, "signature").content();
			List<Der> infoParts = info.children();
			if (infoParts.size() < 3) {
				return "asn1: structure error: certification request info is incomplete";
			}
			Der keyInfo = infoParts.get(2).expect(Der.SEQUENCE, "subject public key info");
			String keyOid = keyInfo.children().get(0).expect(Der.SEQUENCE, "key algorithm").children().get(0).oid();
			String signatureOid = algorithm.get(0).oid();
			if (INSECURE.containsKey(signatureOid)) {
				return "x509: cannot verify signature: insecure algorithm " + INSECURE.get(signatureOid);
			}
			String signatureName = SIGNATURES.get(signatureOid);
			String keyName = KEYS.get(keyOid);
			if (signatureName == null || keyName == null) {
				return "x509: cannot verify signature: algorithm unimplemented";
			}
			try {
				PublicKey key = KeyFactory.getInstance(keyName)
					.generatePublic(new X509EncodedKeySpec(keyInfo.encoded()));
				Signature verifier = Signature.getInstance(signatureName);
				if (signatureName.equals("RSASSA-PSS")) {
					AlgorithmParameters parameters = AlgorithmParameters.getInstance("RSASSA-PSS");
					parameters.init(algorithm.get(1).encoded());
					verifier.setParameter(parameters.getParameterSpec(PSSParameterSpec.class));
				}
				verifier.initVerify(key);
				verifier.update(info.encoded());
				// BIT STRING content: one byte of unused bits (0), then the signature.
				if (signature.length > 0 && signature[0] == 0
						&& verifier.verify(Arrays.copyOfRange(signature, 1, signature.length))) {
					return null;
				}
				return failure(keyName);
			}
			catch (GeneralSecurityException | java.io.IOException ex) {
				// A key or signature the provider cannot even read does not verify
				// either.
				return failure(keyName);
			}
		}
		catch (IllegalArgumentException | IndexOutOfBoundsException ex) {
			return ex.getMessage() == null ? "asn1: structure error" : ex.getMessage();
		}
	}

	/** Go's wording of a signature that does not verify, by key type. */
	private static String failure(String keyName) {
		return switch (keyName) {
			case "RSA" -> "crypto/rsa: verification error";
			case "EC" -> "x509: ECDSA verification failure";
			case "Ed25519" -> "x509: Ed25519 verification failure";
			default -> "x509: cannot verify signature: " + keyName;
		};
	}

}
