package io.stevedore.gateway.admission;

import java.util.Set;

/**
 * One admission plugin, as kube-apiserver's in-tree ones: it may default the object
 * ({@link #admit}, the mutating phase) and it may refuse the request ({@link #validate},
 * the validating phase). The apiserver calls the mutating phase of every plugin, then
 * validates the object itself, then calls the validating phase of every plugin, each time
 * in {@link AdmissionOrder} order.
 *
 * <p>
 * A plugin is a Spring bean; its {@link org.springframework.core.annotation.Order @Order}
 * (a constant of {@link AdmissionOrder}) places it in the chain. A refusal is an
 * {@link AdmissionDenied} thrown with the Status the user sees; a warning is
 * {@link AdmissionAttributes#warn}. A plugin reads the cluster through informers, never
 * with a request of its own on the hot path.
 *
 * <p>
 * Threading: called concurrently for many requests; keep no per-request state in fields.
 */
public interface AdmissionPlugin {

	/** Kubernetes' name of the plugin, e.g. {@code LimitRanger}. */
	String name();

	/**
	 * The resources whose writes this plugin looks at, as {@code group/resource} or
	 * {@code group/resource/subresource} with the empty group for core ({@code /pods},
	 * {@code /pods/ephemeralcontainers}, {@code apps/deployments}); {@code *} for every
	 * resource. The chain calls the plugin only for these, and the apiserver skips the
	 * call to admission entirely for a resource no plugin names.
	 */
	Set<String> resources();

	/**
	 * The mutating phase: default fields of {@link AdmissionAttributes#object()} in
	 * place. May also refuse. Does nothing unless overridden.
	 */
	default void admit(AdmissionAttributes attributes) {
	}

	/**
	 * The validating phase, on the final object (after every plugin's mutation and the
	 * apiserver's validation). Must not change the object. Does nothing unless
	 * overridden.
	 */
	default void validate(AdmissionAttributes attributes) {
	}

}
