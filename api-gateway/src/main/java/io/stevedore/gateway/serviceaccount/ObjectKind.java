package io.stevedore.gateway.serviceaccount;

/** The objects a ServiceAccount token names and whose existence it depends on. */
public enum ObjectKind {

	SERVICE_ACCOUNT("serviceaccounts"), POD("pods"), SECRET("secrets");

	private final String resource;

	ObjectKind(String resource) {
		this.resource = resource;
	}

	/** The resource name Kubernetes uses in messages ({@code pods "p" not found}). */
	public String resource() {
		return this.resource;
	}

}
