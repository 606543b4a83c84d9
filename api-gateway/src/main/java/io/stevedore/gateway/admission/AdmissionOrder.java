package io.stevedore.gateway.admission;

/**
 * Positions of the plugins in the chain, in the order of kube-apiserver's
 * {@code AllOrderedPlugins} (pkg/kubeapiserver/options/plugins.go). Gaps leave room for
 * plugins not written yet; a new plugin takes the slot its Kubernetes counterpart has.
 */
public final class AdmissionOrder {

	public static final int LIMIT_RANGER = 700;

	public static final int SERVICE_ACCOUNT = 800;

	public static final int NODE_RESTRICTION = 900;

	public static final int POD_SECURITY = 1400;

	public static final int PRIORITY = 1500;

	public static final int DEFAULT_TOLERATION_SECONDS = 1600;

	public static final int DEFAULT_STORAGE_CLASS = 1900;

	public static final int CERTIFICATE_APPROVAL = 2400;

	public static final int CERTIFICATE_SIGNING = 2500;

	public static final int CERTIFICATE_SUBJECT_RESTRICTION = 2700;

	public static final int RESOURCE_QUOTA = 3200;

	/**
	 * Kubernetes checks escalation in the RBAC registry, after admission; here it is the
	 * last validating plugin so that it sees the object every other plugin has passed.
	 */
	public static final int RBAC_ESCALATION = 10000;

	private AdmissionOrder() {
	}

}
