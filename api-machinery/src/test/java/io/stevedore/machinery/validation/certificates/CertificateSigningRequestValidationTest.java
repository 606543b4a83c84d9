package io.stevedore.machinery.validation.certificates;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.stevedore.machinery.errors.FieldError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One rule each, with the field Kubernetes names. */
class CertificateSigningRequestValidationTest {

	private static final CertificateSigningRequestValidation V = new CertificateSigningRequestValidation();

	/** A real request: spec.request's signature is checked. */
	private static final String REQUEST = OpensslRequests.request("ec", "-pkeyopt", "ec_paramgen_curve:prime256v1");

	private static final String DER = Base64.getEncoder().encodeToString(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x00 });

	@Test
	void aWellFormedRequestPasses() {
		assertThat(V
			.validate(csr(REQUEST, "kubernetes.io/kube-apiserver-client-kubelet", "digital signature", "client auth")))
			.isEmpty();
	}

	@Test
	void theRequestMustBeOnePemCertificateRequest() {
		assertThat(fields(V.validate(csr(b64("not pem"), "example.com/s", "client auth"))))
			.containsExactly("spec.request");
		assertThat(fields(V.validate(csr(pem("CERTIFICATE"), "example.com/s", "client auth"))))
			.containsExactly("spec.request");
		assertThat(fields(V.validate(csr("", "example.com/s", "client auth")))).containsExactly("spec.request");
		assertThat(fields(V.validate(csr(pem("CERTIFICATE REQUEST"), "example.com/s", "client auth"))))
			.containsExactly("spec.request");
		assertThat(fields(V.validate(csr(OpensslRequests.tampered(REQUEST), "example.com/s", "client auth"))))
			.containsExactly("spec.request");
	}

	@Test
	void signerNameIsRequiredAndQualifiedAndUsagesKnownOnce() {
		assertThat(fields(V.validate(csr(REQUEST, "", "client auth")))).containsExactly("spec.signerName");
		assertThat(fields(V.validate(csr(REQUEST, "nodomain", "client auth")))).containsExactly("spec.signerName");
		assertThat(fields(V.validate(csr(REQUEST, "example.com/s", "client auth", "flying", "client auth"))))
			.containsExactly("spec.usages[1]", "spec.usages[2]");
		assertThat(fields(V.validate(csr(REQUEST, "example.com/s")))).containsExactly("spec.usages");
	}

	@Test
	void theLegacyUnknownSignerIsRefusedOnCreateWithKubernetesMessage() {
		List<FieldError> errors = V.validate(csr(REQUEST, "kubernetes.io/legacy-unknown", "client auth"));
		assertThat(fields(errors)).containsExactly("spec.signerName");
		assertThat(errors.get(0).message()).contains("the legacy signerName is not allowed via this API version");
	}

	@Test
	void aRequestStoredWithTheLegacyUnknownSignerMayStillBeUpdated() {
		CertificateSigningRequest stored = csr(REQUEST, "kubernetes.io/legacy-unknown", "client auth");
		CertificateSigningRequest labelled = csr(REQUEST, "kubernetes.io/legacy-unknown", "client auth");
		labelled.getMetadata().setLabels(java.util.Map.of("team", "a"));
		assertThat(V.validateUpdate(labelled, stored)).isEmpty();
	}

	@Test
	void approvedAndDeniedExcludeEachOtherAndStay() {
		CertificateSigningRequest both = withConditions(csr(REQUEST, "example.com/s", "client auth"), "Approved",
				"Denied");
		assertThat(fields(V.validateStatusUpdate(both, both))).containsExactly("status.conditions[1].type");
		CertificateSigningRequest approved = withConditions(csr(REQUEST, "example.com/s", "client auth"), "Approved");
		CertificateSigningRequest none = csr(REQUEST, "example.com/s", "client auth");
		assertThat(fields(V.validateStatusUpdate(none, approved))).containsExactly("status.conditions");
		CertificateSigningRequest twice = withConditions(csr(REQUEST, "example.com/s", "client auth"), "Approved",
				"Approved");
		assertThat(fields(V.validateStatusUpdate(twice, approved))).containsExactly("status.conditions[1].type");
	}

	@Test
	void approvedDeniedAndFailedMayOnlyBeTrue() {
		CertificateSigningRequest pending = csr(REQUEST, "example.com/s", "client auth");
		for (String type : List.of("Approved", "Denied", "Failed")) {
			CertificateSigningRequest notReally = csr(REQUEST, "example.com/s", "client auth");
			notReally.getStatus()
				.getConditions()
				.add(new CertificateSigningRequestConditionBuilder().withType(type).withStatus("False").build());
			List<FieldError> errors = V.validateStatusUpdate(notReally, pending);
			assertThat(fields(errors)).containsExactly("status.conditions[0].status");
			assertThat(errors.get(0).message()).contains("supported values: \"True\"");
		}
		CertificateSigningRequest custom = csr(REQUEST, "example.com/s", "client auth");
		custom.getStatus()
			.getConditions()
			.add(new CertificateSigningRequestConditionBuilder().withType("Rotating").withStatus("False").build());
		assertThat(V.validateStatusUpdate(custom, pending)).isEmpty();
	}

	@Test
	void aFailedConditionIsNeverRemoved() {
		CertificateSigningRequest failed = withConditions(csr(REQUEST, "example.com/s", "client auth"), "Approved",
				"Failed");
		CertificateSigningRequest approved = withConditions(csr(REQUEST, "example.com/s", "client auth"), "Approved");
		List<FieldError> errors = V.validateStatusUpdate(approved, failed);
		assertThat(fields(errors)).containsExactly("status.conditions");
		assertThat(errors.get(0).message()).contains("updates may not remove a condition of type \"Failed\"");
	}

	@Test
	void aCertificateNeedsApprovalAndPemCertificatesAndNeverChanges() {
		CertificateSigningRequest pending = csr(REQUEST, "example.com/s", "client auth");
		CertificateSigningRequest issuedUnapproved = csr(REQUEST, "example.com/s", "client auth");
		issuedUnapproved.getStatus().setCertificate(pem("CERTIFICATE"));
		assertThat(fields(V.validateStatusUpdate(issuedUnapproved, pending))).containsExactly("status.certificate");

		CertificateSigningRequest approved = withConditions(csr(REQUEST, "example.com/s", "client auth"), "Approved");
		CertificateSigningRequest issued = withConditions(csr(REQUEST, "example.com/s", "client auth"), "Approved");
		issued.getStatus().setCertificate(pem("CERTIFICATE"));
		assertThat(V.validateStatusUpdate(issued, approved)).isEmpty();
		CertificateSigningRequest key = withConditions(csr(REQUEST, "example.com/s", "client auth"), "Approved");
		key.getStatus().setCertificate(pem("PRIVATE KEY"));
		assertThat(fields(V.validateStatusUpdate(key, approved))).containsExactly("status.certificate");
		CertificateSigningRequest cleared = withConditions(csr(REQUEST, "example.com/s", "client auth"), "Approved");
		assertThat(fields(V.validateStatusUpdate(cleared, issued))).containsExactly("status.certificate");
	}

	private static List<String> fields(List<FieldError> errors) {
		return errors.stream().map(FieldError::field).toList();
	}

	private static CertificateSigningRequest withConditions(CertificateSigningRequest csr, String... types) {
		for (String type : types) {
			csr.getStatus()
				.getConditions()
				.add(new CertificateSigningRequestConditionBuilder().withType(type).withStatus("True").build());
		}
		return csr;
	}

	private static CertificateSigningRequest csr(String request, String signer, String... usages) {
		return new CertificateSigningRequestBuilder().withNewMetadata()
			.withName("node-csr-x")
			.endMetadata()
			.withNewSpec()
			.withRequest(request)
			.withSignerName(signer)
			.withUsages(usages)
			.endSpec()
			.withNewStatus()
			.endStatus()
			.build();
	}

	private static String pem(String type) {
		return b64("-----BEGIN " + type + "-----\n" + DER + "\n-----END " + type + "-----\n");
	}

	private static String b64(String text) {
		return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
	}

}
