package io.stevedore.proxy.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The cluster domain as the Kubernetes DNS specification and CoreDNS' kubernetes plugin
 * answer it, computed per question from the current Services and EndpointSlices (no
 * materialized zone to rebuild on every change):
 * <ul>
 * <li>{@code <svc>.<ns>.svc}: the ClusterIPs; for a headless Service the ready endpoint
 * addresses (NXDOMAIN when there is none, as the spec was amended to match kube-dns); for
 * an ExternalName Service a CNAME.</li>
 * <li>{@code _<port>._<proto>.<svc>.<ns>.svc}: SRV per named port, to the Service name
 * or, headless, to each endpoint's name.</li>
 * <li>{@code <hostname>.<svc>.<ns>.svc}: an endpoint by its hostname (StatefulSet pods),
 * or by its dashed address when it has none.</li>
 * <li>{@code <a-b-c-d>.<ns>.pod}: the address itself ({@code pods insecure}).</li>
 * <li>The apex SOA and NS, {@code ns.dns} (the DNS address) and {@code dns-version}.</li>
 * </ul>
 * A name that exists with other types gets NODATA, a name that does not exist NXDOMAIN:
 * resolvers walk the search path on NXDOMAIN only, so mixing them up breaks lookups.
 */
final class ClusterZone {

	static final String SCHEMA_VERSION = "1.1.0";

	private static final Name IN_ADDR_ARPA = Name.fromConstantString("in-addr.arpa.");

	private static final Name IP6_ARPA = Name.fromConstantString("ip6.arpa.");

	private final Name origin;

	private final ClusterRecords records;

	private final long ttl;

	private final DnsProperties.PodMode pods;

	private final InetAddress dnsAddress;

	ClusterZone(DnsProperties properties, ClusterRecords records) {
		this.origin = absolute(properties.clusterDomain());
		this.records = records;
		this.ttl = properties.ttlSeconds();
		this.pods = properties.pods();
		this.dnsAddress = IpLiterals.parse(properties.serviceIp());
	}

	Name origin() {
		return this.origin;
	}

	boolean contains(Name name) {
		return name.subdomain(this.origin);
	}

	boolean synced() {
		return this.records.synced();
	}

	SOARecord soa() {
		Name hostmaster = child("hostmaster");
		// Refresh, retry and expire as CoreDNS sets them; the minimum is the negative
		// TTL.
		return new SOARecord(this.origin, DClass.IN, this.ttl, child("ns.dns"), hostmaster,
				this.records.serial() & 0xFFFFFFFFL, 7200, 1800, 86400, this.ttl);
	}

	/** The answer for a name in the cluster domain ({@link #contains} is true). */
	ZoneAnswer answer(Name qname, int qtype) {
		String[] labels = relativeLabels(qname);
		int n = labels.length;
		if (n == 0) {
			return apex(qtype);
		}
		return switch (labels[n - 1]) {
			case "svc" -> services(qname, qtype, labels, n - 1);
			case "pod" -> pod(qname, qtype, labels, n - 1);
			case "dns-version" -> (n == 1)
					? ZoneAnswer.of(qtype == Type.TXT
							? List.of(new TXTRecord(qname, DClass.IN, this.ttl, SCHEMA_VERSION)) : List.of())
					: ZoneAnswer.NXDOMAIN;
			case "dns" -> nameServer(qname, qtype, labels);
			default -> ZoneAnswer.NXDOMAIN;
		};
	}

	/**
	 * PTR for ClusterIPs and endpoint addresses; empty when the address is not the
	 * cluster's, so the question goes on to the node's resolver (CoreDNS' fallthrough for
	 * in-addr.arpa and ip6.arpa).
	 */
	Optional<ZoneAnswer> reverse(Name qname, int qtype) {
		if (!(qname.subdomain(IN_ADDR_ARPA) || qname.subdomain(IP6_ARPA))) {
			return Optional.empty();
		}
		String ip;
		try {
			ip = ReverseMap.fromName(qname).getHostAddress();
		}
		catch (Exception ex) {
			return Optional.empty();
		}
		Set<Name> names = new LinkedHashSet<>();
		for (Service service : this.records.servicesWithClusterIp(ip)) {
			names.add(serviceName(service.getMetadata().getNamespace(), service.getMetadata().getName()));
		}
		for (EndpointSlice slice : this.records.endpointSlicesWithAddress(ip)) {
			String service = serviceOf(slice);
			if (service == null) {
				continue;
			}
			for (Endpoint endpoint : endpoints(slice)) {
				if (ready(endpoint) && addresses(endpoint).contains(ip)) {
					names.add(endpointName(slice.getMetadata().getNamespace(), service, endpoint, ip));
				}
			}
		}
		if (names.isEmpty()) {
			return Optional.empty();
		}
		if (qtype != Type.PTR) {
			return Optional.of(ZoneAnswer.NODATA);
		}
		List<Record> answers = new ArrayList<>();
		for (Name target : names) {
			answers.add(new PTRRecord(qname, DClass.IN, this.ttl, target));
		}
		return Optional.of(ZoneAnswer.of(answers));
	}

	private ZoneAnswer apex(int qtype) {
		if (qtype == Type.SOA) {
			return ZoneAnswer.of(List.of(soa()));
		}
		if (qtype == Type.NS) {
			Name ns = child("ns.dns");
			return ZoneAnswer.of(List.of(new NSRecord(this.origin, DClass.IN, this.ttl, ns)),
					addressRecords(ns, List.of(this.dnsAddress)));
		}
		return ZoneAnswer.NODATA;
	}

	private ZoneAnswer nameServer(Name qname, int qtype, String[] labels) {
		if (labels.length == 1) {
			return ZoneAnswer.NODATA;
		}
		if (labels.length == 2 && labels[0].equals("ns")) {
			return ZoneAnswer.of(addressRecords(qname, qtype, List.of(this.dnsAddress)));
		}
		return ZoneAnswer.NXDOMAIN;
	}

	// labels[0..k) are what stands left of "svc".
	private ZoneAnswer services(Name qname, int qtype, String[] labels, int k) {
		if (k == 0) {
			return ZoneAnswer.NODATA;
		}
		String namespace = labels[k - 1];
		if (k == 1) {
			return this.records.hasServices(namespace) ? ZoneAnswer.NODATA : ZoneAnswer.NXDOMAIN;
		}
		Service service = this.records.service(namespace, labels[k - 2]).orElse(null);
		if (service == null) {
			return ZoneAnswer.NXDOMAIN;
		}
		return switch (k) {
			case 2 -> service(qname, qtype, service);
			case 3 -> labels[0].startsWith("_") ? protocolNode(service, labels[0])
					: endpoint(qname, qtype, service, labels[0]);
			case 4 -> (labels[0].startsWith("_") && labels[1].startsWith("_"))
					? srv(qname, qtype, service, labels[0].substring(1), labels[1].substring(1)) : ZoneAnswer.NXDOMAIN;
			default -> ZoneAnswer.NXDOMAIN;
		};
	}

	private ZoneAnswer service(Name qname, int qtype, Service service) {
		if (isExternalName(service)) {
			Name target = externalTarget(service);
			if (target == null) {
				return ZoneAnswer.NXDOMAIN;
			}
			return new ZoneAnswer(org.xbill.DNS.Rcode.NOERROR,
					List.of(new CNAMERecord(qname, DClass.IN, this.ttl, target)), List.of(), target);
		}
		String namespace = service.getMetadata().getNamespace();
		String name = service.getMetadata().getName();
		if (isHeadless(service)) {
			Map<Name, List<InetAddress>> endpoints = readyEndpoints(namespace, name, null);
			if (endpoints.isEmpty()) {
				return ZoneAnswer.NXDOMAIN;
			}
			if (qtype == Type.SRV) {
				return headlessSrv(qname, namespace, name, null, null);
			}
			List<InetAddress> all = endpoints.values().stream().flatMap(List::stream).distinct().toList();
			return ZoneAnswer.of(addressRecords(qname, qtype, all));
		}
		if (qtype == Type.SRV) {
			return clusterIpSrv(qname, service, null, null);
		}
		return ZoneAnswer.of(addressRecords(qname, qtype, clusterIps(service)));
	}

	/** {@code _tcp.<svc>.<ns>.svc}: exists when a port has that protocol. */
	private ZoneAnswer protocolNode(Service service, String label) {
		String protocol = label.substring(1);
		boolean any = ports(service).stream().anyMatch((port) -> protocol.equals(protocol(port.getProtocol())));
		return any ? ZoneAnswer.NODATA : ZoneAnswer.NXDOMAIN;
	}

	private ZoneAnswer srv(Name qname, int qtype, Service service, String port, String protocol) {
		if (isExternalName(service)) {
			return ZoneAnswer.NXDOMAIN;
		}
		ZoneAnswer records = isHeadless(service) ? headlessSrv(qname, service.getMetadata().getNamespace(),
				service.getMetadata().getName(), port, protocol) : clusterIpSrv(qname, service, port, protocol);
		if (records.answers().isEmpty()) {
			return ZoneAnswer.NXDOMAIN;
		}
		return (qtype == Type.SRV) ? records : ZoneAnswer.NODATA;
	}

	private ZoneAnswer clusterIpSrv(Name qname, Service service, String portName, String protocol) {
		Name target = serviceName(service.getMetadata().getNamespace(), service.getMetadata().getName());
		List<Record> answers = new ArrayList<>();
		for (ServicePort port : ports(service)) {
			if (matches(portName, protocol, port.getName(), port.getProtocol()) && port.getPort() != null) {
				answers.add(new SRVRecord(qname, DClass.IN, this.ttl, 0, 100, port.getPort(), target));
			}
		}
		return ZoneAnswer.of(answers, addressRecords(target, clusterIps(service)));
	}

	private ZoneAnswer headlessSrv(Name qname, String namespace, String service, String portName, String protocol) {
		Map<String, SrvTarget> targets = new LinkedHashMap<>();
		for (EndpointSlice slice : this.records.endpointSlices(namespace, service)) {
			for (EndpointPort port : slice.getPorts() == null ? List.<EndpointPort>of() : slice.getPorts()) {
				if (port.getPort() == null || !matches(portName, protocol, port.getName(), port.getProtocol())) {
					continue;
				}
				for (Endpoint endpoint : endpoints(slice)) {
					if (!ready(endpoint) || addresses(endpoint).isEmpty()) {
						continue;
					}
					Name target = endpointName(namespace, service, endpoint, addresses(endpoint).get(0));
					List<InetAddress> known = targets
						.computeIfAbsent(target + ":" + port.getPort(),
								(key) -> new SrvTarget(target, port.getPort(), new ArrayList<>()))
						.addresses();
					// The same endpoint may sit in two slices while the controller moves
					// it.
					parsed(addresses(endpoint)).stream().filter((a) -> !known.contains(a)).forEach(known::add);
				}
			}
		}
		// Equal shares as CoreDNS gives them: the weights of one name sum to about 100.
		int weight = targets.isEmpty() ? 0 : Math.max(1, 100 / targets.size());
		List<Record> answers = new ArrayList<>();
		List<Record> additional = new ArrayList<>();
		Set<Name> glued = new LinkedHashSet<>();
		for (SrvTarget target : targets.values()) {
			answers.add(new SRVRecord(qname, DClass.IN, this.ttl, 0, weight, target.port(), target.name()));
			if (glued.add(target.name())) {
				additional.addAll(addressRecords(target.name(), target.addresses()));
			}
		}
		return ZoneAnswer.of(answers, additional);
	}

	/** {@code <hostname>.<svc>.<ns>.svc}, or the dashed address of an endpoint. */
	private ZoneAnswer endpoint(Name qname, int qtype, Service service, String label) {
		if (isExternalName(service)) {
			return ZoneAnswer.NXDOMAIN;
		}
		Map<Name, List<InetAddress>> endpoints = readyEndpoints(service.getMetadata().getNamespace(),
				service.getMetadata().getName(), label);
		List<InetAddress> addresses = endpoints.values().stream().flatMap(List::stream).distinct().toList();
		if (addresses.isEmpty()) {
			return ZoneAnswer.NXDOMAIN;
		}
		return ZoneAnswer.of(addressRecords(qname, qtype, addresses));
	}

	// labels[0..k) are what stands left of "pod".
	private ZoneAnswer pod(Name qname, int qtype, String[] labels, int k) {
		if (this.pods == DnsProperties.PodMode.DISABLED || k > 2) {
			return ZoneAnswer.NXDOMAIN;
		}
		if (k < 2) {
			return ZoneAnswer.NODATA;
		}
		InetAddress address = IpLiterals.undashed(labels[0]);
		if (address == null) {
			return ZoneAnswer.NXDOMAIN;
		}
		return ZoneAnswer.of(addressRecords(qname, qtype, List.of(address)));
	}

	/**
	 * Ready endpoints of a Service by their DNS name, each with its addresses; only the
	 * one named {@code label} when it is given.
	 */
	private Map<Name, List<InetAddress>> readyEndpoints(String namespace, String service, String label) {
		Map<Name, List<InetAddress>> byName = new LinkedHashMap<>();
		for (EndpointSlice slice : this.records.endpointSlices(namespace, service)) {
			for (Endpoint endpoint : endpoints(slice)) {
				if (!ready(endpoint) || addresses(endpoint).isEmpty()) {
					continue;
				}
				String first = addresses(endpoint).get(0);
				if (label != null && !label.equals(endpointLabel(endpoint, first))) {
					continue;
				}
				byName.computeIfAbsent(endpointName(namespace, service, endpoint, first), (key) -> new ArrayList<>())
					.addAll(parsed(addresses(endpoint)));
			}
		}
		return byName;
	}

	private List<Record> addressRecords(Name name, int qtype, List<InetAddress> addresses) {
		if (qtype != Type.A && qtype != Type.AAAA) {
			return List.of();
		}
		List<Record> records = new ArrayList<>();
		for (InetAddress address : addresses) {
			boolean v4 = address instanceof Inet4Address;
			if (qtype == Type.A && v4) {
				records.add(new ARecord(name, DClass.IN, this.ttl, address));
			}
			else if (qtype == Type.AAAA && !v4) {
				records.add(new AAAARecord(name, DClass.IN, this.ttl, address));
			}
		}
		return records;
	}

	private List<Record> addressRecords(Name name, List<InetAddress> addresses) {
		List<Record> records = new ArrayList<>(addressRecords(name, Type.A, addresses));
		records.addAll(addressRecords(name, Type.AAAA, addresses));
		return records;
	}

	private Name serviceName(String namespace, String service) {
		return child(service + "." + namespace + ".svc");
	}

	private Name endpointName(String namespace, String service, Endpoint endpoint, String address) {
		return child(endpointLabel(endpoint, address) + "." + service + "." + namespace + ".svc");
	}

	/** The endpoint's hostname (a StatefulSet pod's), else its first address dashed. */
	private static String endpointLabel(Endpoint endpoint, String firstAddress) {
		return hasText(endpoint.getHostname()) ? endpoint.getHostname().toLowerCase(Locale.ROOT)
				: IpLiterals.dashed(firstAddress);
	}

	private Name child(String relative) {
		try {
			return Name.fromString(relative, this.origin);
		}
		catch (TextParseException ex) {
			throw new IllegalArgumentException("not a DNS name: " + relative + "." + this.origin, ex);
		}
	}

	private String[] relativeLabels(Name qname) {
		int count = qname.labels() - this.origin.labels();
		String[] labels = new String[count];
		for (int i = 0; i < count; i++) {
			labels[i] = qname.getLabelString(i).toLowerCase(Locale.ROOT);
		}
		return labels;
	}

	private static List<InetAddress> clusterIps(Service service) {
		List<String> ips = service.getSpec().getClusterIPs();
		if (ips == null || ips.isEmpty()) {
			ips = service.getSpec().getClusterIP() == null ? List.of() : List.of(service.getSpec().getClusterIP());
		}
		return parsed(ips);
	}

	private static List<ServicePort> ports(Service service) {
		return service.getSpec().getPorts() == null ? List.of() : service.getSpec().getPorts();
	}

	private static List<InetAddress> parsed(List<String> ips) {
		List<InetAddress> addresses = new ArrayList<>();
		for (String ip : ips) {
			InetAddress address = IpLiterals.parse(ip);
			if (address != null) {
				addresses.add(address);
			}
		}
		return addresses;
	}

	private static boolean matches(String wantedName, String wantedProtocol, String name, String protocol) {
		if (wantedName == null) {
			return true;
		}
		return hasText(name) && wantedName.equals(name.toLowerCase(Locale.ROOT))
				&& wantedProtocol.equals(protocol(protocol));
	}

	private static String protocol(String protocol) {
		return (protocol == null ? "tcp" : protocol.toLowerCase(Locale.ROOT));
	}

	static boolean isHeadless(Service service) {
		return "None".equals(service.getSpec().getClusterIP());
	}

	static boolean isExternalName(Service service) {
		return "ExternalName".equals(service.getSpec().getType());
	}

	private static Name externalTarget(Service service) {
		String external = service.getSpec().getExternalName();
		if (!hasText(external)) {
			return null;
		}
		try {
			return absolute(external);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	static String serviceOf(EndpointSlice slice) {
		return slice.getMetadata().getLabels() == null ? null
				: slice.getMetadata().getLabels().get("kubernetes.io/service-name");
	}

	private static List<Endpoint> endpoints(EndpointSlice slice) {
		return slice.getEndpoints() == null ? List.of() : slice.getEndpoints();
	}

	private static List<String> addresses(Endpoint endpoint) {
		return endpoint.getAddresses() == null ? List.of() : endpoint.getAddresses();
	}

	/**
	 * An unset ready condition means unknown, which consumers treat as ready (API docs).
	 */
	private static boolean ready(Endpoint endpoint) {
		return endpoint.getConditions() == null || endpoint.getConditions().getReady() == null
				|| endpoint.getConditions().getReady();
	}

	private static boolean hasText(String value) {
		return value != null && !value.isEmpty();
	}

	static Name absolute(String domain) {
		try {
			return Name.fromString(domain.endsWith(".") ? domain : domain + ".");
		}
		catch (TextParseException ex) {
			throw new IllegalArgumentException("not a DNS name: " + domain, ex);
		}
	}

	private record SrvTarget(Name name, int port, List<InetAddress> addresses) {
	}

}
