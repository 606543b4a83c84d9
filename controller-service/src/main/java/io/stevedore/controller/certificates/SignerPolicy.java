package io.stevedore.controller.certificates;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * What one signer accepts, as kube-controller-manager's {@code isRequestForSignerFn}: a
 * request the signer refuses gets a Failed condition with reason
 * {@code SignerValidationFailure} and this text as its message.
 */
@FunctionalInterface
interface SignerPolicy {

	/** Why the signer will not issue this request, or {@code null} when it will. */
	String problem(CertificateSigningRequest csr, PKCS10CertificationRequest request);

}
