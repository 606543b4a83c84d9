package io.stevedore.controller.certificates;

import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Whether a request was signed by the key it asks a certificate for (proof the requester
 * holds that key), which every signer checks before it issues anything.
 */
final class RequestSignature {

	private RequestSignature() {
	}

	/** Why the signature does not hold, or {@code null} when it does. */
	static String problem(PKCS10CertificationRequest request) {
		try {
			if (!request
				.isSignatureValid(new JcaContentVerifierProviderBuilder().build(request.getSubjectPublicKeyInfo()))) {
				return "the request's signature does not match its public key";
			}
			return null;
		}
		catch (OperatorCreationException | PKCSException ex) {
			return "the request's signature cannot be checked: " + ex.getMessage();
		}
	}

}
