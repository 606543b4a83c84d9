package io.stevedore.machinery.validation.certificates;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** spec.request as Kubernetes checks it on create: parsed, and its signature verified. */
class RequestSignatureTest {

	@Test
	void requestsSignedWithEcRsaRsaPssAndEd25519KeysPass() {
		assertThat(CertificateSigningRequestValidation
			.requestProblem(OpensslRequests.request("ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"))).isNull();
		assertThat(CertificateSigningRequestValidation.requestProblem(OpensslRequests.request("rsa:2048"))).isNull();
		assertThat(CertificateSigningRequestValidation
			.requestProblem(OpensslRequests.request("rsa:2048", "-sigopt", "rsa_padding_mode:pss"))).isNull();
		assertThat(CertificateSigningRequestValidation.requestProblem(OpensslRequests.request("ed25519"))).isNull();
	}

	@Test
	void aRequestWhoseSignatureDoesNotVerifyIsRefusedInGosWords() {
		assertThat(CertificateSigningRequestValidation.requestProblem(
				OpensslRequests.tampered(OpensslRequests.request("ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"))))
			.isEqualTo("x509: ECDSA verification failure");
		assertThat(CertificateSigningRequestValidation
			.requestProblem(OpensslRequests.tampered(OpensslRequests.request("rsa:2048"))))
			.isEqualTo("crypto/rsa: verification error");
	}

	@Test
	void aSha1SignedRequestIsRefusedAsInsecure() {
		assertThat(CertificateSigningRequestValidation.requestProblem(OpensslRequests.request("rsa:2048", "-sha1")))
			.isEqualTo("x509: cannot verify signature: insecure algorithm SHA1-RSA");
	}

	@Test
	void aDerSequenceThatIsNoRequestIsRefused() {
		assertThat(RequestSignature.problem(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x00 })).startsWith("asn1:");
		assertThat(RequestSignature.problem(new byte[] { 0x30, 0x05, 0x02, 0x01 })).startsWith("asn1:");
	}

}
