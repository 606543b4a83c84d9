package io.stevedore.nodeagent.pod.dns;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * The hostname and domain a pod's sandbox gets, as the kubelet works them out: the
 * hostname is {@code spec.hostname} or the pod's name, cut to 63 characters (and any
 * trailing '-' or '.' then dropped); a pod with a {@code spec.subdomain} lives in
 * {@code <subdomain>.<namespace>.svc.<cluster domain>}, which goes into /etc/hosts
 * ({@code <ip> <hostname>.<domain> <hostname>}) so {@code hostname -f} answers the name
 * the cluster DNS serves for it (StatefulSet pods:
 * {@code web-0.web.ns.svc.cluster.local}); with {@code setHostnameAsFQDN} the kernel
 * hostname is that whole name, at most 64 characters.
 *
 * @param hostname the kernel hostname
 * @param domain the domain for /etc/hosts, empty when none
 */
public record PodHostname(String hostname, String domain) {

	private static final int MAX_HOSTNAME = 63;

	private static final int MAX_FQDN = 64;

	/**
	 * @param clusterDomain e.g. {@code cluster.local}
	 * @throws IllegalArgumentException with the kubelet's words when the FQDN asked for
	 * by setHostnameAsFQDN is too long
	 */
	public static PodHostname of(Pod pod, String clusterDomain) {
		String name = pod.getSpec().getHostname() != null && !pod.getSpec().getHostname().isEmpty()
				? pod.getSpec().getHostname() : pod.getMetadata().getName();
		String hostname = truncate(name);
		String subdomain = pod.getSpec().getSubdomain();
		String domain = subdomain == null || subdomain.isEmpty() ? ""
				: subdomain + "." + pod.getMetadata().getNamespace() + ".svc." + clusterDomain;
		if (Boolean.TRUE.equals(pod.getSpec().getSetHostnameAsFQDN()) && !domain.isEmpty()) {
			String fqdn = hostname + "." + domain;
			if (fqdn.length() > MAX_FQDN) {
				throw new IllegalArgumentException(
						"failed to construct FQDN from pod hostname and cluster domain, FQDN " + fqdn + " is too long ("
								+ MAX_FQDN + " characters is the max, " + fqdn.length() + " characters requested)");
			}
			return new PodHostname(fqdn, "");
		}
		return new PodHostname(hostname, domain);
	}

	private static String truncate(String name) {
		if (name.length() <= MAX_HOSTNAME) {
			return name;
		}
		String cut = name.substring(0, MAX_HOSTNAME);
		int end = cut.length();
		while (end > 0 && (cut.charAt(end - 1) == '-' || cut.charAt(end - 1) == '.')) {
			end--;
		}
		return cut.substring(0, end);
	}

}
