package io.stevedore.controller.namespace;

import java.util.List;
import java.util.Map;

/**
 * What one pass of deleting a namespace's content found.
 *
 * @param remaining objects still there, by resource ({@code pods},
 * {@code deployments.apps})
 * @param finalizers remaining objects holding each finalizer
 * @param errors failed deletions or listings, as messages
 */
record ContentDeletion(Map<String, Integer> remaining, Map<String, Integer> finalizers, List<String> errors) {

	boolean done() {
		return this.remaining.isEmpty() && this.errors.isEmpty();
	}

}
