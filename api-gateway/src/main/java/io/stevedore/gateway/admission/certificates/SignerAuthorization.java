package io.stevedore.gateway.admission.certificates;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.authz.RbacAuthorizer;
import io.stevedore.gateway.authz.RequestInfo;

/**
 * Kubernetes' {@code IsAuthorizedForSignerName}: a verb ({@code approve}, {@code sign})
 * on the synthetic cluster-scoped resource {@code signers} of certificates.k8s.io, named
 * by the signer ({@code kubernetes.io/kube-apiserver-client}), or else by its domain and
 * a star ({@code kubernetes.io/*}) so one rule can cover every signer of a domain.
 */
final class SignerAuthorization {

	static final String GROUP = "certificates.k8s.io";

	private final RbacAuthorizer authorizer;

	SignerAuthorization(RbacAuthorizer authorizer) {
		this.authorizer = authorizer;
	}

	/**
	 * The object as a CertificateSigningRequest; anything else is refused as Kubernetes'
	 * plugins refuse it.
	 */
	static CertificateSigningRequest csr(AdmissionAttributes attributes, HasMetadata object) {
		if (object instanceof CertificateSigningRequest csr) {
			return csr;
		}
		throw AdmissionDenied.forbidden(attributes,
				"expected type CertificateSigningRequest, got: " + (object == null ? "nil" : object.getKind()));
	}

	/** The request's signer as stored (a write cannot rename it to pass). */
	static String signerName(CertificateSigningRequest stored) {
		return stored.getSpec() == null || stored.getSpec().getSignerName() == null ? ""
				: stored.getSpec().getSignerName();
	}

	boolean allowed(UserInfo user, String verb, String signerName) {
		String name = signerName == null ? "" : signerName;
		if (this.authorizer.authorize(user, RequestInfo.resource(verb, GROUP, "", "signers", "", name)).allowed()) {
			return true;
		}
		String domain = name.split("/", -1)[0];
		return this.authorizer.authorize(user, RequestInfo.resource(verb, GROUP, "", "signers", "", domain + "/*"))
			.allowed();
	}

}
