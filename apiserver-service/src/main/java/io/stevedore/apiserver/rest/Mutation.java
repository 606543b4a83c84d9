package io.stevedore.apiserver.rest;

import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Computes the new state of an object from its current one: a PUT body, a patch, an
 * apply, a scale. Runs again on every retry of a compare-and-swap, against the newer
 * state.
 */
@FunctionalInterface
public interface Mutation {

	/**
	 * @param current the stored object, or {@code null} when it does not exist
	 * @param warnings collects texts for Warning headers
	 */
	Mutated apply(Loaded current, List<String> warnings);

	/**
	 * @param managedFieldsSet whether the mutation already recorded managedFields (apply)
	 * @param surelyChanged the mutation certainly changed the stored object, so the no-op
	 * check (an encoding of the whole object compared with the stored bytes) is skipped:
	 * a bind always sets spec.nodeName where there was none
	 */
	record Mutated(HasMetadata object, boolean managedFieldsSet, boolean surelyChanged) {

		Mutated(HasMetadata object, boolean managedFieldsSet) {
			this(object, managedFieldsSet, false);
		}

	}

}
