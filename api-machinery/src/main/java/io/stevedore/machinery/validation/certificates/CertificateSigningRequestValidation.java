package io.stevedore.machinery.validation.certificates;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestSpec;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatus;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.KindValidator;
import io.stevedore.machinery.validation.NameValidator;

/**
 * certificates.k8s.io/v1 CertificateSigningRequests, after Kubernetes'
 * pkg/apis/certificates/validation: a PEM CERTIFICATE REQUEST whose signature verifies, a
 * qualified signerName, known key usages, expirationSeconds of at least 10 minutes, never
 * the legacy-unknown signer (v1 refuses it on create); on status and approval writes,
 * conditions of known types with Approved and Denied exclusive, each at most once, and an
 * issued certificate made of PEM CERTIFICATE blocks.
 */
public final class CertificateSigningRequestValidation implements KindValidator<CertificateSigningRequest> {

	/** Condition types that record a decision: at most one of each, never removed. */
	public static final String APPROVED = "Approved";

	public static final String DENIED = "Denied";

	public static final String FAILED = "Failed";

	/**
	 * The v1beta1-only signer: v1 refuses it on create and tolerates it on objects
	 * already stored with it.
	 */
	public static final String LEGACY_UNKNOWN = "kubernetes.io/legacy-unknown";

	/** Kubernetes' KeyUsage values. */
	static final Set<String> USAGES = Set.of("signing", "digital signature", "content commitment", "key encipherment",
			"key agreement", "data encipherment", "cert sign", "crl sign", "encipher only", "decipher only", "any",
			"server auth", "client auth", "code signing", "email protection", "s/mime", "ipsec end system",
			"ipsec tunnel", "ipsec user", "timestamping", "ocsp signing", "microsoft sgc", "netscape sgc");

	private static final Set<String> CONDITION_STATUSES = Set.of("True", "False", "Unknown");

	private static final Pattern PEM_BLOCK = Pattern
		.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

	/** DNS-1123 subdomain, then a path: "example.com/signer". */
	private static final Pattern SIGNER_NAME = Pattern
		.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[^/\\s]+(/[^/\\s]+)*");

	@Override
	public NameValidator names() {
		// Kubernetes validates CSR names as path segments (node CSRs are "node-csr-...")
		return NameValidator.PATH_SEGMENT;
	}

	@Override
	public List<FieldError> validate(CertificateSigningRequest csr) {
		return validate(csr, false);
	}

	private List<FieldError> validate(CertificateSigningRequest csr, boolean legacySignerStored) {
		List<FieldError> errs = new ArrayList<>();
		FieldPath spec = FieldPath.root("spec");
		CertificateSigningRequestSpec s = csr.getSpec();
		if (s == null) {
			errs.add(FieldError.required(spec.child("request").toString(), ""));
			errs.add(FieldError.required(spec.child("signerName").toString(), ""));
			return errs;
		}
		String requestField = spec.child("request").toString();
		if (s.getRequest() == null || s.getRequest().isEmpty()) {
			errs.add(FieldError.required(requestField, ""));
		}
		else {
			String problem = requestProblem(s.getRequest());
			if (problem != null) {
				errs.add(FieldError.invalid(requestField, "", problem));
			}
		}
		String signerField = spec.child("signerName").toString();
		if (s.getSignerName() == null || s.getSignerName().isEmpty()) {
			errs.add(FieldError.required(signerField, ""));
		}
		else if (LEGACY_UNKNOWN.equals(s.getSignerName()) && !legacySignerStored) {
			errs.add(FieldError.invalid(signerField, s.getSignerName(),
					"the legacy signerName is not allowed via this API version"));
		}
		else if (!SIGNER_NAME.matcher(s.getSignerName()).matches()) {
			errs.add(FieldError.invalid(signerField, s.getSignerName(),
					"must be a fully qualified domain and path of the form 'example.com/signer-name'"));
		}
		FieldPath usages = spec.child("usages");
		if (s.getUsages() == null || s.getUsages().isEmpty()) {
			errs.add(FieldError.required(usages.toString(), ""));
		}
		else {
			Set<String> seen = new HashSet<>();
			for (int i = 0; i < s.getUsages().size(); i++) {
				String usage = s.getUsages().get(i);
				if (!USAGES.contains(usage)) {
					errs.add(FieldError.notSupported(usages.index(i).toString(), usage,
							USAGES.stream().sorted().toList()));
				}
				else if (!seen.add(usage)) {
					errs.add(FieldError.duplicate(usages.index(i).toString(), usage));
				}
			}
		}
		Integer expiration = s.getExpirationSeconds();
		if (expiration != null && expiration < 600) {
			errs.add(FieldError.invalid(spec.child("expirationSeconds").toString(), expiration,
					"may not specify a duration less than 600 seconds (10 minutes)"));
		}
		errs.addAll(conditions(csr.getStatus()));
		return errs;
	}

	@Override
	public List<FieldError> validateUpdate(CertificateSigningRequest csr, CertificateSigningRequest old) {
		List<FieldError> errs = new ArrayList<>(validate(csr, legacySigner(old)));
		errs.addAll(decisionsKept(csr, old));
		return errs;
	}

	@Override
	public List<FieldError> validateStatusUpdate(CertificateSigningRequest csr, CertificateSigningRequest old) {
		List<FieldError> errs = new ArrayList<>(conditions(csr.getStatus()));
		errs.addAll(decisionsKept(csr, old));
		CertificateSigningRequestStatus status = csr.getStatus();
		if (status != null && status.getCertificate() != null && !status.getCertificate().isEmpty()) {
			String problem = certificateProblem(status.getCertificate());
			if (problem != null) {
				errs.add(FieldError.invalid("status.certificate", "", problem));
			}
			else if (!has(csr, APPROVED)) {
				errs.add(FieldError.invalid("status.certificate", "",
						"certificate may only be set if the request has an Approved condition"));
			}
			else if (has(csr, FAILED)) {
				errs.add(
						FieldError.invalid("status.certificate", "", "certificate may not be set on a Failed request"));
			}
		}
		String oldCert = old.getStatus() == null ? null : old.getStatus().getCertificate();
		if (oldCert != null && !oldCert.isEmpty() && (status == null || !oldCert.equals(status.getCertificate()))) {
			errs.add(FieldError.invalid("status.certificate", "",
					"updates may not modify existing certificate content"));
		}
		return errs;
	}

	private static boolean legacySigner(CertificateSigningRequest old) {
		return old != null && old.getSpec() != null && LEGACY_UNKNOWN.equals(old.getSpec().getSignerName());
	}

	/** Whether the request has a condition of this type with status True. */
	public static boolean has(CertificateSigningRequest csr, String type) {
		if (csr.getStatus() == null || csr.getStatus().getConditions() == null) {
			return false;
		}
		return csr.getStatus()
			.getConditions()
			.stream()
			.anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
	}

	private static List<FieldError> conditions(CertificateSigningRequestStatus status) {
		List<FieldError> errs = new ArrayList<>();
		if (status == null || status.getConditions() == null) {
			return errs;
		}
		FieldPath path = FieldPath.root("status").child("conditions");
		Set<String> decisions = new HashSet<>();
		boolean approved = false;
		boolean denied = false;
		for (int i = 0; i < status.getConditions().size(); i++) {
			CertificateSigningRequestCondition c = status.getConditions().get(i);
			FieldPath at = path.index(i);
			if (c.getType() == null || c.getType().isEmpty()) {
				errs.add(FieldError.required(at.child("type").toString(), ""));
				continue;
			}
			boolean decision = c.getType().equals(APPROVED) || c.getType().equals(DENIED) || c.getType().equals(FAILED);
			// A decision or a failure is either there or not: Kubernetes allows only
			// True.
			Set<String> statuses = decision ? Set.of("True") : CONDITION_STATUSES;
			if (c.getStatus() == null || c.getStatus().isEmpty()) {
				errs.add(FieldError.required(at.child("status").toString(), ""));
			}
			else if (!statuses.contains(c.getStatus())) {
				errs.add(FieldError.notSupported(at.child("status").toString(), c.getStatus(),
						statuses.stream().sorted().toList()));
			}
			if (decision && !decisions.add(c.getType())) {
				errs.add(FieldError.duplicate(at.child("type").toString(), c.getType()));
			}
			if ((c.getType().equals(APPROVED) && denied) || (c.getType().equals(DENIED) && approved)) {
				errs.add(FieldError.invalid(at.child("type").toString(), c.getType(),
						"Approved and Denied conditions are mutually exclusive"));
			}
			approved |= c.getType().equals(APPROVED);
			denied |= c.getType().equals(DENIED);
		}
		return errs;
	}

	/**
	 * Once approved, denied or failed, a request stays so (Kubernetes forbids removing
	 * those conditions).
	 */
	private static List<FieldError> decisionsKept(CertificateSigningRequest csr, CertificateSigningRequest old) {
		List<FieldError> errs = new ArrayList<>();
		for (String type : List.of(APPROVED, DENIED, FAILED)) {
			if (has(old, type) && !has(csr, type)) {
				errs.add(FieldError.forbidden("status.conditions",
						"updates may not remove a condition of type \"" + type + "\""));
			}
		}
		return errs;
	}

	/**
	 * Why spec.request (base64 of PEM bytes, as []byte is in JSON) is not one CSR signed
	 * by the key it carries.
	 */
	static String requestProblem(String base64) {
		String pem = decode(base64);
		if (pem == null) {
			return "must be base64 encoded PEM data";
		}
		Matcher m = PEM_BLOCK.matcher(pem);
		if (!m.find()) {
			return "PEM block type must be CERTIFICATE REQUEST";
		}
		if (!m.group(1).equals("CERTIFICATE REQUEST")) {
			return "PEM block type must be CERTIFICATE REQUEST";
		}
		if (!isDerSequence(m.group(2))) {
			return "PEM block is not a DER encoded certificate request";
		}
		return RequestSignature.problem(Base64.getMimeDecoder().decode(m.group(2)));
	}

	/** Why status.certificate is not a list of PEM CERTIFICATE blocks. */
	static String certificateProblem(String base64) {
		String pem = decode(base64);
		if (pem == null) {
			return "must be base64 encoded PEM data";
		}
		Matcher m = PEM_BLOCK.matcher(pem);
		int blocks = 0;
		while (m.find()) {
			if (!m.group(1).equals("CERTIFICATE")) {
				return "only CERTIFICATE PEM blocks are allowed, found \"" + m.group(1) + "\"";
			}
			if (!isDerSequence(m.group(2))) {
				return "PEM block is not DER encoded";
			}
			blocks++;
		}
		return blocks == 0 ? "must contain at least one CERTIFICATE PEM block" : null;
	}

	private static String decode(String base64) {
		try {
			return new String(Base64.getMimeDecoder().decode(base64), StandardCharsets.US_ASCII);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static boolean isDerSequence(String body) {
		try {
			byte[] der = Base64.getMimeDecoder().decode(body);
			return der.length > 2 && der[0] == 0x30;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}
