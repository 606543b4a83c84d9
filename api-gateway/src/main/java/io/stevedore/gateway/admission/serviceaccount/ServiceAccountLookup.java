package io.stevedore.gateway.admission.serviceaccount;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.ServiceAccount;

/**
 * Finds a ServiceAccount for the plugin: the informer's cache first, then the apiserver
 * (an account created a moment ago, or the namespace's {@code default} account the
 * controller is about to create).
 */
@FunctionalInterface
public interface ServiceAccountLookup {

	/**
	 * @return the account, or empty when it does not exist
	 * @throws RuntimeException when the lookup itself failed
	 */
	Optional<ServiceAccount> find(String namespace, String name);

}
