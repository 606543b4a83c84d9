package io.stevedore.proxy.ingress.route;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;

/**
 * Builds the {@link RouteTable} from the served Ingresses and the Services,
 * EndpointSlices and TLS Secrets they name. Ingresses are taken oldest first (creation
 * time, then namespace/name): where two define the same host and path, or a default
 * backend, or a certificate for a host, the older one wins, as in ingress-nginx. A
 * backend that cannot be resolved becomes an upstream without endpoints (503) and a
 * {@link Problem} of its Ingress; nothing else is affected.
 */
public final class RouteBuilder {

	static final Comparator<Ingress> AGE = Comparator
		.comparing((Ingress i) -> Objects.toString(i.getMetadata().getCreationTimestamp(), ""))
		.thenComparing(i -> i.getMetadata().getNamespace())
		.thenComparing(i -> i.getMetadata().getName());

	/** Annotations turning the HTTP to HTTPS redirect of an Ingress's TLS hosts off. */
	public static final List<String> SSL_REDIRECT = List.of("ingress.stevedore.io/ssl-redirect",
			"nginx.ingress.kubernetes.io/ssl-redirect");

	private final Map<String, Service> services;

	private final Map<String, List<EndpointSlice>> slices = new HashMap<>();

	private final Function<String, Problem> secretProblem;

	private final Map<String, Upstream> upstreams = new HashMap<>();

	private final Map<String, List<Problem>> problems = new LinkedHashMap<>();

	/**
	 * @param services by {@code namespace/name}
	 * @param slices every EndpointSlice (joined by their
	 * {@code kubernetes.io/service-name} label)
	 * @param secretProblem for a TLS Secret {@code namespace/name}: why it cannot be used
	 * ({@code SecretNotFound}, {@code InvalidSecret}), or null when it can
	 */
	private RouteBuilder(Map<String, Service> services, Collection<EndpointSlice> slices,
			Function<String, Problem> secretProblem) {
		this.services = services;
		this.secretProblem = secretProblem;
		for (EndpointSlice slice : slices) {
			Map<String, String> labels = slice.getMetadata().getLabels();
			String service = (labels == null) ? null : labels.get("kubernetes.io/service-name");
			if (service != null) {
				this.slices.computeIfAbsent(slice.getMetadata().getNamespace() + "/" + service, k -> new ArrayList<>())
					.add(slice);
			}
		}
	}

	/** The table and, by Ingress {@code namespace/name}, what could not be served. */
	public record Result(RouteTable table, Map<String, List<Problem>> problems) {

	}

	public static Result build(Collection<Ingress> served, Map<String, Service> services,
			Collection<EndpointSlice> slices, Function<String, Problem> secretProblem) {
		return new RouteBuilder(services, slices, secretProblem).build(served);
	}

	private Result build(Collection<Ingress> served) {
		List<Ingress> ingresses = new ArrayList<>(served);
		ingresses.sort(AGE);
		Map<String, List<PathRule>> exactRules = new LinkedHashMap<>();
		Map<String, Upstream> exactFallback = new HashMap<>();
		Map<String, List<PathRule>> wildcardRules = new LinkedHashMap<>();
		Map<String, Upstream> wildcardFallback = new HashMap<>();
		List<PathRule> anyRules = new ArrayList<>();
		Upstream anyFallback = null;
		boolean anyHost = false;
		Upstream defaultBackend = null;
		Map<String, String> certificates = new LinkedHashMap<>();
		Set<String> httpsOnly = new java.util.HashSet<>();
		for (Ingress ingress : ingresses) {
			String namespace = ingress.getMetadata().getNamespace();
			String key = namespace + "/" + ingress.getMetadata().getName();
			var spec = ingress.getSpec();
			if (spec == null) {
				continue;
			}
			Upstream own = (spec.getDefaultBackend() == null) ? null
					: upstream(key, namespace, spec.getDefaultBackend());
			if (own != null && defaultBackend == null) {
				defaultBackend = own;
			}
			for (IngressRule rule : list(spec.getRules())) {
				String host = RouteTable.normalizeHost(rule.getHost());
				List<PathRule> paths = new ArrayList<>();
				if (rule.getHttp() != null) {
					for (HTTPIngressPath path : list(rule.getHttp().getPaths())) {
						if (path.getBackend() != null) {
							paths.add(PathRule.of(path.getPath(), path.getPathType(),
									upstream(key, namespace, path.getBackend())));
						}
					}
				}
				if (host == null) {
					anyHost = true;
					anyRules.addAll(paths);
					anyFallback = (anyFallback != null) ? anyFallback : own;
				}
				else if (host.startsWith("*.")) {
					String suffix = host.substring(2);
					wildcardRules.computeIfAbsent(suffix, h -> new ArrayList<>()).addAll(paths);
					if (own != null) {
						wildcardFallback.putIfAbsent(suffix, own);
					}
				}
				else {
					exactRules.computeIfAbsent(host, h -> new ArrayList<>()).addAll(paths);
					if (own != null) {
						exactFallback.putIfAbsent(host, own);
					}
				}
			}
			tls(key, namespace, ingress, certificates, httpsOnly);
		}
		Upstream global = defaultBackend;
		Map<String, HostRoutes> exact = new HashMap<>();
		exactRules
			.forEach((host, rules) -> exact.put(host, new HostRoutes(rules, exactFallback.getOrDefault(host, global))));
		Map<String, HostRoutes> wildcard = new HashMap<>();
		wildcardRules.forEach((suffix, rules) -> wildcard.put(suffix,
				new HostRoutes(rules, wildcardFallback.getOrDefault(suffix, global))));
		HostRoutes any = anyHost ? new HostRoutes(anyRules, (anyFallback != null) ? anyFallback : global) : null;
		return new Result(new RouteTable(exact, wildcard, any, defaultBackend, certificates, httpsOnly), this.problems);
	}

	/**
	 * Certificates by host: the hosts a {@code tls} entry lists, or, when it lists none,
	 * every host of the Ingress's rules.
	 */
	private void tls(String key, String namespace, Ingress ingress, Map<String, String> certificates,
			Set<String> httpsOnly) {
		boolean redirect = sslRedirect(ingress);
		for (IngressTLS tls : list(ingress.getSpec().getTls())) {
			Set<String> hosts = tlsHosts(ingress, tls);
			if (redirect) {
				httpsOnly.addAll(hosts);
			}
			if (tls.getSecretName() == null || tls.getSecretName().isEmpty()) {
				continue;
			}
			String secret = namespace + "/" + tls.getSecretName();
			Problem problem = this.secretProblem.apply(secret);
			if (problem != null) {
				problem(key, problem.reason(), problem.message() + "; the default certificate is served instead");
				continue;
			}
			for (String host : hosts) {
				certificates.putIfAbsent(host, secret);
			}
		}
	}

	/**
	 * ingress-nginx's {@code ssl-redirect} annotation (ours or its own name); default
	 * true.
	 */
	private static boolean sslRedirect(Ingress ingress) {
		Map<String, String> annotations = ingress.getMetadata().getAnnotations();
		if (annotations == null) {
			return true;
		}
		for (String name : SSL_REDIRECT) {
			if ("false".equalsIgnoreCase(annotations.get(name))) {
				return false;
			}
		}
		return true;
	}

	private static Set<String> tlsHosts(Ingress ingress, IngressTLS tls) {
		Set<String> hosts = new LinkedHashSet<>();
		for (String host : list(tls.getHosts())) {
			hosts.add(host.toLowerCase(Locale.ROOT));
		}
		if (hosts.isEmpty()) {
			for (IngressRule rule : list(ingress.getSpec().getRules())) {
				if (rule.getHost() != null) {
					hosts.add(rule.getHost().toLowerCase(Locale.ROOT));
				}
			}
		}
		return hosts;
	}

	private Upstream upstream(String ingressKey, String namespace, IngressBackend backend) {
		IngressServiceBackend ref = backend.getService();
		if (ref == null) {
			String kind = (backend.getResource() != null) ? backend.getResource().getKind() : "none";
			problem(ingressKey, "UnsupportedBackend", "backend of kind " + kind + " is not supported (only Services)");
			return new Upstream(namespace + "/" + kind, List.of(), "unsupported backend");
		}
		var port = ref.getPort();
		String portText = (port == null) ? "?" : (port.getName() != null && !port.getName().isEmpty()) ? port.getName()
				: String.valueOf(port.getNumber());
		String name = namespace + "/" + ref.getName() + ":" + portText;
		Upstream cached = this.upstreams.get(name);
		if (cached != null) {
			if (cached.problem() != null) {
				problem(ingressKey, reason(cached.problem()), cached.problem());
			}
			return cached;
		}
		Upstream upstream = resolve(name, namespace, ref.getName(), port);
		this.upstreams.put(name, upstream);
		if (upstream.problem() != null) {
			problem(ingressKey, reason(upstream.problem()), upstream.problem());
		}
		return upstream;
	}

	private static String reason(String problem) {
		if (problem.startsWith("service ") && problem.endsWith("not found")) {
			return "ServiceNotFound";
		}
		return problem.contains("has no port") ? "PortNotFound" : "InvalidBackend";
	}

	private Upstream resolve(String name, String namespace, String serviceName,
			io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPort port) {
		Service service = this.services.get(namespace + "/" + serviceName);
		if (service == null) {
			return new Upstream(name, List.of(), "service " + namespace + "/" + serviceName + " not found");
		}
		if (service.getSpec() != null && "ExternalName".equals(service.getSpec().getType())) {
			return new Upstream(name, List.of(),
					"service " + namespace + "/" + serviceName + " is of type ExternalName, which is not supported");
		}
		ServicePort servicePort = servicePort(service, port);
		if (servicePort == null) {
			return new Upstream(name, List.of(), "service " + namespace + "/" + serviceName + " has no port "
					+ ((port == null) ? "(none given)" : (port.getName() != null) ? port.getName() : port.getNumber()));
		}
		String portName = Objects.toString(servicePort.getName(), "");
		Set<InetSocketAddress> endpoints = new LinkedHashSet<>();
		for (EndpointSlice slice : this.slices.getOrDefault(namespace + "/" + serviceName, List.of())) {
			if ("FQDN".equals(slice.getAddressType())) {
				continue;
			}
			Integer target = null;
			for (EndpointPort p : list(slice.getPorts())) {
				if (portName.equals(Objects.toString(p.getName(), "")) && !"UDP".equals(p.getProtocol())
						&& !"SCTP".equals(p.getProtocol())) {
					target = p.getPort();
				}
			}
			if (target == null) {
				continue;
			}
			for (Endpoint endpoint : list(slice.getEndpoints())) {
				var conditions = endpoint.getConditions();
				if (conditions != null && Boolean.FALSE.equals(conditions.getReady())) {
					continue;
				}
				for (String address : list(endpoint.getAddresses())) {
					endpoints.add(InetSocketAddress.createUnresolved(address, target));
				}
			}
		}
		return new Upstream(name, resolved(endpoints), null);
	}

	/** IP literals only: never a DNS lookup on the sync thread. */
	private static List<InetSocketAddress> resolved(Set<InetSocketAddress> unresolved) {
		List<InetSocketAddress> out = new ArrayList<>(unresolved.size());
		for (InetSocketAddress a : unresolved) {
			java.net.InetAddress ip = io.netty.util.NetUtil.createInetAddressFromIpAddressString(a.getHostString());
			if (ip != null) {
				out.add(new InetSocketAddress(ip, a.getPort()));
			}
		}
		return out;
	}

	private static ServicePort servicePort(Service service,
			io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPort port) {
		if (port == null || service.getSpec() == null) {
			return null;
		}
		for (ServicePort sp : list(service.getSpec().getPorts())) {
			if ("UDP".equals(sp.getProtocol()) || "SCTP".equals(sp.getProtocol())) {
				continue;
			}
			if (port.getName() != null && !port.getName().isEmpty()) {
				if (port.getName().equals(sp.getName())) {
					return sp;
				}
			}
			else if (port.getNumber() != null && port.getNumber().equals(sp.getPort())) {
				return sp;
			}
		}
		return null;
	}

	private void problem(String ingressKey, String reason, String message) {
		List<Problem> list = this.problems.computeIfAbsent(ingressKey, k -> new ArrayList<>());
		Problem problem = new Problem(reason, message);
		if (!list.contains(problem)) {
			list.add(problem);
		}
	}

	private static <T> List<T> list(List<T> list) {
		return (list == null) ? List.of() : list;
	}

}
