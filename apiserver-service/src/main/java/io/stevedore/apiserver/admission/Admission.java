package io.stevedore.apiserver.admission;

import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The admission stage of a write, between defaulting and storage, in Kubernetes' order:
 * {@link #admit} (mutating) on the defaulted object, then the apiserver's validation,
 * then {@link #validate} on the final object. A refusal is thrown as an ApiException
 * carrying the Status to answer with; nothing is stored then.
 *
 * <p>
 * Threading: called concurrently from request threads.
 */
public interface Admission {

	/** Admits everything unchanged: no admission endpoint is configured. */
	Admission NONE = new Admission() {

		@Override
		public HasMetadata admit(AdmissionAttributes attributes, List<String> warnings) {
			return attributes.object();
		}

		@Override
		public void validate(AdmissionAttributes attributes, List<String> warnings) {
		}

	};

	/**
	 * The mutating phase.
	 * @param warnings collects texts for Warning headers
	 * @return the object to continue with: {@code attributes.object()} itself when
	 * nothing changed, else the mutated copy
	 */
	HasMetadata admit(AdmissionAttributes attributes, List<String> warnings);

	/** The validating phase, on the final object. */
	void validate(AdmissionAttributes attributes, List<String> warnings);

}
