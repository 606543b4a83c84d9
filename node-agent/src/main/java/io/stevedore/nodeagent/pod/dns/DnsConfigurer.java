package io.stevedore.nodeagent.pod.dns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pod's resolv.conf from its dnsPolicy and dnsConfig, as the kubelet forms it
 * ({@code pkg/kubelet/network/dns}): ClusterFirst points at the cluster DNS with the
 * cluster's search paths before the node's and {@code ndots:5}; Default copies the node's
 * resolv.conf; hostNetwork pods with ClusterFirst get Default, ClusterFirstWithHostNet
 * gets the cluster DNS; None starts empty. dnsConfig is appended (duplicates dropped,
 * options by name overriding), then the result is cut to what resolvers accept, with a
 * warning event for each cut.
 * <p>
 * Threading: immutable apart from reading the node's resolv.conf; safe to share.
 */
public final class DnsConfigurer {

	/** Kubernetes' limits, derived from what libc's resolver handles. */
	static final int MAX_NAMESERVERS = 3;

	static final int MAX_SEARCH_PATHS = 32;

	static final int MAX_SEARCH_LINE_CHARS = 2048;

	/** A search domain longer than a DNS subdomain makes some glibc versions abort. */
	static final int MAX_SEARCH_DOMAIN_LENGTH = 253;

	private static final Logger log = LoggerFactory.getLogger(DnsConfigurer.class);

	private final List<String> clusterDns;

	private final String clusterDomain;

	private final String resolvConf;

	/**
	 * @param clusterDns the cluster DNS servers; empty makes ClusterFirst fall back to
	 * Default
	 * @param clusterDomain e.g. {@code cluster.local}; empty adds no cluster search paths
	 * @param resolvConf the node's resolv.conf that Default copies; empty means "no
	 * resolver" (localhost, as the kubelet's {@code --resolv-conf=""})
	 */
	public DnsConfigurer(List<String> clusterDns, String clusterDomain, String resolvConf) {
		this.clusterDns = List.copyOf(clusterDns);
		this.clusterDomain = clusterDomain;
		this.resolvConf = resolvConf;
	}

	/** A warning for the pod's events. */
	public record Warning(String reason, String message) {
	}

	/** The pod's resolv.conf and the warnings forming it gave. */
	public record Result(ResolvConf conf, List<Warning> warnings) {
	}

	public Result configure(Pod pod) {
		List<Warning> warnings = new ArrayList<>();
		ResolvConf host = hostConf();
		List<String> servers = new ArrayList<>(host.nameservers());
		List<String> searches = new ArrayList<>(host.searches());
		List<String> options = new ArrayList<>(host.options());
		switch (type(pod)) {
			case NONE -> {
				servers.clear();
				searches.clear();
				options.clear();
			}
			case CLUSTER -> {
				if (!this.clusterDns.isEmpty()) {
					// The cluster DNS is the only server: it forwards what it does not
					// know to the node's resolvers itself.
					servers = new ArrayList<>(this.clusterDns);
					searches = clusterSearches(host.searches(), pod);
					options = new ArrayList<>(List.of("ndots:5"));
				}
				else {
					warnings.add(new Warning("MissingClusterDNS",
							"pod: \"" + describe(pod)
									+ "\". kubelet does not have ClusterDNS IP configured and cannot create Pod using "
									+ "\"ClusterFirst\" policy. Falling back to \"Default\" policy."));
					hostFallback(servers, searches);
				}
			}
			case HOST -> hostFallback(servers, searches);
		}
		PodDNSConfig config = pod.getSpec().getDnsConfig();
		if (config != null) {
			servers = distinct(servers, config.getNameservers());
			searches = distinct(searches, config.getSearches());
			options = mergeOptions(options, config.getOptions());
		}
		return new Result(new ResolvConf(fitNameservers(servers, warnings), fitSearches(searches, warnings), options),
				List.copyOf(warnings));
	}

	private enum Type {

		NONE, CLUSTER, HOST

	}

	private static Type type(Pod pod) {
		String policy = pod.getSpec().getDnsPolicy() == null ? "ClusterFirst" : pod.getSpec().getDnsPolicy();
		boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
		return switch (policy) {
			case "None" -> Type.NONE;
			case "ClusterFirstWithHostNet" -> Type.CLUSTER;
			case "Default" -> Type.HOST;
			// A hostNetwork pod with ClusterFirst gets the node's settings.
			case "ClusterFirst" -> hostNetwork ? Type.HOST : Type.CLUSTER;
			// The apiserver rejects other values; the kubelet treats them as
			// ClusterFirst.
			default -> Type.CLUSTER;
		};
	}

	/** The pod's hostname and /etc/hosts domain in this cluster's domain. */
	public PodHostname hostname(Pod pod) {
		if (this.clusterDomain.isEmpty() && pod.getSpec().getSubdomain() != null) {
			Pod withoutDomain = new io.fabric8.kubernetes.api.model.PodBuilder(pod).editSpec()
				.withSubdomain(null)
				.endSpec()
				.build();
			return PodHostname.of(withoutDomain, "");
		}
		return PodHostname.of(pod, this.clusterDomain);
	}

	/** With no node resolv.conf: localhost as the only server, as the kubelet does. */
	private void hostFallback(List<String> servers, List<String> searches) {
		if (this.resolvConf.isEmpty()) {
			servers.clear();
			servers.add("127.0.0.1");
			searches.clear();
			searches.add(".");
		}
	}

	private List<String> clusterSearches(List<String> hostSearches, Pod pod) {
		if (this.clusterDomain.isEmpty()) {
			return new ArrayList<>(hostSearches);
		}
		List<String> searches = new ArrayList<>(List.of(pod.getMetadata().getNamespace() + ".svc." + this.clusterDomain,
				"svc." + this.clusterDomain, this.clusterDomain));
		return distinct(searches, hostSearches);
	}

	private ResolvConf hostConf() {
		if (this.resolvConf.isEmpty()) {
			return ResolvConf.empty();
		}
		try {
			return ResolvConf.parse(Files.readString(Path.of(this.resolvConf), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			log.warn("node resolv.conf unreadable, pods get no node DNS settings path={} error=\"{}\"", this.resolvConf,
					ex.toString());
			return ResolvConf.empty();
		}
	}

	private static List<String> distinct(List<String> first, List<String> more) {
		LinkedHashSet<String> all = new LinkedHashSet<>(first);
		if (more != null) {
			all.addAll(more);
		}
		return new ArrayList<>(all);
	}

	/** Options by name; the pod's dnsConfig wins over what was there. */
	private static List<String> mergeOptions(List<String> existing, List<PodDNSConfigOption> overrides) {
		Map<String, String> byName = new LinkedHashMap<>();
		for (String option : existing) {
			int colon = option.indexOf(':');
			if (colon >= 0) {
				byName.put(option.substring(0, colon), option.substring(colon + 1));
			}
			else {
				byName.put(option, "");
			}
		}
		if (overrides != null) {
			for (PodDNSConfigOption option : overrides) {
				byName.put(option.getName(), option.getValue() == null ? "" : option.getValue());
			}
		}
		List<String> options = new ArrayList<>();
		byName.forEach((name, value) -> options.add(value.isEmpty() ? name : name + ":" + value));
		return options;
	}

	private static List<String> fitNameservers(List<String> servers, List<Warning> warnings) {
		if (servers.size() <= MAX_NAMESERVERS) {
			return servers;
		}
		List<String> kept = servers.subList(0, MAX_NAMESERVERS);
		warnings.add(new Warning("DNSConfigForming",
				"Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: "
						+ String.join(" ", kept)));
		return kept;
	}

	private static List<String> fitSearches(List<String> searches, List<Warning> warnings) {
		boolean exceeded = false;
		List<String> kept = new ArrayList<>(searches);
		if (kept.size() > MAX_SEARCH_PATHS) {
			kept = new ArrayList<>(kept.subList(0, MAX_SEARCH_PATHS));
			exceeded = true;
		}
		if (kept.removeIf(s -> s.length() > MAX_SEARCH_DOMAIN_LENGTH)) {
			exceeded = true;
		}
		// Whole domains come off the end until the line fits.
		while (!kept.isEmpty() && String.join(" ", kept).length() > MAX_SEARCH_LINE_CHARS) {
			kept.remove(kept.size() - 1);
			exceeded = true;
		}
		if (exceeded) {
			warnings.add(new Warning("DNSConfigForming",
					"Search Line limits were exceeded, some search paths have been omitted, the applied search line is: "
							+ String.join(" ", kept)));
		}
		return kept;
	}

	/** The kubelet's {@code format.Pod}: {@code name_namespace(uid)}. */
	private static String describe(Pod pod) {
		return pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "(" + pod.getMetadata().getUid()
				+ ")";
	}

}
