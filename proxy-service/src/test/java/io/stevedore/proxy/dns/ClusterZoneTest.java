package io.stevedore.proxy.dns;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

import static io.stevedore.proxy.dns.InMemoryClusterRecords.clusterIp;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.endpoint;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.externalName;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.headless;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.port;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.slice;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.slicePort;
import static org.assertj.core.api.Assertions.assertThat;

class ClusterZoneTest {

	private final InMemoryClusterRecords records = new InMemoryClusterRecords()
		.add(clusterIp("default", "web", "10.96.1.2", port("http", "TCP", 80), port("dns", "UDP", 53)))
		.add(slice("default", "web", "web-abc", "IPv4", List.of(slicePort("http", "TCP", 8080)),
				endpoint("172.17.0.5", null, true)))
		.add(headless("db", "pg", port("pg", "TCP", 5432)))
		.add(slice("db", "pg", "pg-1", "IPv4", List.of(slicePort("pg", "TCP", 5432)),
				endpoint("172.17.0.10", "pg-0", true), endpoint("172.17.0.11", "pg-1", true),
				endpoint("172.17.0.12", "pg-2", false)))
		.add(slice("db", "pg", "pg-2", "IPv4", List.of(slicePort("pg", "TCP", 5432)),
				endpoint("172.17.0.10", "pg-0", true)))
		.add(headless("db", "empty"))
		.add(headless("db", "anon", port("", "TCP", 80)))
		.add(slice("db", "anon", "anon-1", "IPv4", List.of(slicePort("", "TCP", 80)),
				endpoint("172.17.0.20", null, true)))
		.add(externalName("default", "search", "www.example.com"))
		.add(externalName("default", "alias", "web.default.svc.cluster.local"))
		.add(clusterIp("v6", "web6", "fd00::96:1"));

	private final ClusterZone zone = new ClusterZone(DnsProperties.of("127.0.0.1", 53), this.records);

	@Test
	void clusterIpServiceHasItsAddress() {
		ZoneAnswer answer = answer("web.default.svc.cluster.local.", Type.A);
		assertThat(answer.rcode()).isEqualTo(Rcode.NOERROR);
		assertThat(rdata(answer.answers())).containsExactly("10.96.1.2");
		assertThat(answer.answers().get(0).getTTL()).isEqualTo(5);
	}

	@Test
	void namesAreCaseInsensitive() {
		assertThat(rdata(answer("WEB.Default.SVC.cluster.LOCAL.", Type.A).answers())).containsExactly("10.96.1.2");
	}

	@Test
	void anIpv4ServiceHasNoAaaaButExists() {
		ZoneAnswer answer = answer("web.default.svc.cluster.local.", Type.AAAA);
		assertThat(answer.rcode()).isEqualTo(Rcode.NOERROR);
		assertThat(answer.answers()).isEmpty();
		assertThat(answer("web.default.svc.cluster.local.", Type.MX)).isEqualTo(ZoneAnswer.NODATA);
	}

	@Test
	void anIpv6ServiceHasAaaa() {
		assertThat(rdata(answer("web6.v6.svc.cluster.local.", Type.AAAA).answers()))
			.containsExactly("fd00:0:0:0:0:0:96:1");
		assertThat(answer("web6.v6.svc.cluster.local.", Type.A)).isEqualTo(ZoneAnswer.NODATA);
	}

	@Test
	void unknownNamesDoNotExist() {
		assertThat(answer("nope.default.svc.cluster.local.", Type.A).rcode()).isEqualTo(Rcode.NXDOMAIN);
		assertThat(answer("web.nope.svc.cluster.local.", Type.A).rcode()).isEqualTo(Rcode.NXDOMAIN);
		assertThat(answer("nope.svc.cluster.local.", Type.A).rcode()).isEqualTo(Rcode.NXDOMAIN);
		assertThat(answer("a.b.c.d.web.default.svc.cluster.local.", Type.A).rcode()).isEqualTo(Rcode.NXDOMAIN);
		assertThat(answer("foo.cluster.local.", Type.A).rcode()).isEqualTo(Rcode.NXDOMAIN);
	}

	@Test
	void namesAboveServicesExistWithoutData() {
		assertThat(answer("default.svc.cluster.local.", Type.A)).isEqualTo(ZoneAnswer.NODATA);
		assertThat(answer("svc.cluster.local.", Type.A)).isEqualTo(ZoneAnswer.NODATA);
		assertThat(answer("cluster.local.", Type.A)).isEqualTo(ZoneAnswer.NODATA);
	}

	@Test
	void headlessServiceHasItsReadyEndpointsOnce() {
		ZoneAnswer answer = answer("pg.db.svc.cluster.local.", Type.A);
		assertThat(rdata(answer.answers())).containsExactlyInAnyOrder("172.17.0.10", "172.17.0.11");
	}

	@Test
	void headlessServiceWithoutReadyEndpointsDoesNotExist() {
		// The DNS specification was amended to match kube-dns and CoreDNS here
		// (kubernetes/dns#245).
		assertThat(answer("empty.db.svc.cluster.local.", Type.A).rcode()).isEqualTo(Rcode.NXDOMAIN);
	}

	@Test
	void endpointHostnamesResolve() {
		assertThat(rdata(answer("pg-1.pg.db.svc.cluster.local.", Type.A).answers())).containsExactly("172.17.0.11");
		assertThat(answer("pg-2.pg.db.svc.cluster.local.", Type.A).rcode()).isEqualTo(Rcode.NXDOMAIN);
		assertThat(answer("pg-9.pg.db.svc.cluster.local.", Type.A).rcode()).isEqualTo(Rcode.NXDOMAIN);
		assertThat(answer("pg-1.pg.db.svc.cluster.local.", Type.TXT)).isEqualTo(ZoneAnswer.NODATA);
	}

	@Test
	void endpointsWithoutHostnameAreNamedByTheirDashedAddress() {
		assertThat(rdata(answer("172-17-0-20.anon.db.svc.cluster.local.", Type.A).answers()))
			.containsExactly("172.17.0.20");
	}

	@Test
	void srvForANamedPortOfAClusterIpService() {
		ZoneAnswer answer = answer("_http._tcp.web.default.svc.cluster.local.", Type.SRV);
		assertThat(answer.answers()).singleElement().satisfies((record) -> {
			SRVRecord srv = (SRVRecord) record;
			assertThat(srv.getPort()).isEqualTo(80);
			assertThat(srv.getTarget()).hasToString("web.default.svc.cluster.local.");
		});
		assertThat(rdata(answer.additional())).containsExactly("10.96.1.2");
		assertThat(answer("_dns._udp.web.default.svc.cluster.local.", Type.SRV).answers()).hasSize(1);
	}

	@Test
	void srvNamesThatDoNotMatchAPortDoNotExist() {
		assertThat(answer("_http._udp.web.default.svc.cluster.local.", Type.SRV).rcode()).isEqualTo(Rcode.NXDOMAIN);
		assertThat(answer("_ftp._tcp.web.default.svc.cluster.local.", Type.SRV).rcode()).isEqualTo(Rcode.NXDOMAIN);
		assertThat(answer("_http._tcp.web.default.svc.cluster.local.", Type.A)).isEqualTo(ZoneAnswer.NODATA);
		assertThat(answer("_tcp.web.default.svc.cluster.local.", Type.SRV)).isEqualTo(ZoneAnswer.NODATA);
		assertThat(answer("_sctp.web.default.svc.cluster.local.", Type.SRV).rcode()).isEqualTo(Rcode.NXDOMAIN);
	}

	@Test
	void srvOfAHeadlessServicePointsAtEachEndpoint() {
		ZoneAnswer answer = answer("_pg._tcp.pg.db.svc.cluster.local.", Type.SRV);
		assertThat(answer.answers()).extracting((r) -> ((SRVRecord) r).getTarget().toString())
			.containsExactlyInAnyOrder("pg-0.pg.db.svc.cluster.local.", "pg-1.pg.db.svc.cluster.local.");
		assertThat(answer.answers()).allSatisfy((r) -> assertThat(((SRVRecord) r).getPort()).isEqualTo(5432));
		assertThat(rdata(answer.additional())).containsExactlyInAnyOrder("172.17.0.10", "172.17.0.11");
	}

	@Test
	void srvOfTheServiceNameListsEveryPort() {
		assertThat(answer("web.default.svc.cluster.local.", Type.SRV).answers()).hasSize(2);
	}

	@Test
	void externalNameIsACname() {
		ZoneAnswer answer = answer("search.default.svc.cluster.local.", Type.A);
		assertThat(answer.answers()).singleElement()
			.satisfies((r) -> assertThat(((CNAMERecord) r).getTarget()).hasToString("www.example.com."));
		assertThat(answer.cnameTarget()).hasToString("www.example.com.");
	}

	@Test
	void podNamesAreTheirAddress() {
		assertThat(rdata(answer("10-244-1-7.default.pod.cluster.local.", Type.A).answers()))
			.containsExactly("10.244.1.7");
		assertThat(answer("10-244-1-7.default.pod.cluster.local.", Type.AAAA)).isEqualTo(ZoneAnswer.NODATA);
		assertThat(rdata(answer("fd00--7.default.pod.cluster.local.", Type.AAAA).answers()))
			.containsExactly("fd00:0:0:0:0:0:0:7");
		assertThat(answer("10-244-1.default.pod.cluster.local.", Type.A).rcode()).isEqualTo(Rcode.NXDOMAIN);
		assertThat(answer("x.10-244-1-7.default.pod.cluster.local.", Type.A).rcode()).isEqualTo(Rcode.NXDOMAIN);
		assertThat(answer("default.pod.cluster.local.", Type.A)).isEqualTo(ZoneAnswer.NODATA);
	}

	@Test
	void podNamesCanBeTurnedOff() {
		DnsProperties off = new DnsProperties(true, "127.0.0.1", 53, "cluster.local", java.time.Duration.ofSeconds(5),
				false, List.of(), java.nio.file.Path.of("/etc/resolv.conf"), java.time.Duration.ofSeconds(1),
				DnsProperties.PodMode.DISABLED, false, null, java.time.Duration.ofSeconds(1), 1,
				java.time.Duration.ofSeconds(1));
		assertThat(new ClusterZone(off, this.records).answer(name("10-244-1-7.default.pod.cluster.local."), Type.A)
			.rcode()).isEqualTo(Rcode.NXDOMAIN);
	}

	@Test
	void apexHasSoaAndNs() {
		assertThat(answer("cluster.local.", Type.SOA).answers()).singleElement()
			.satisfies((r) -> assertThat(r.getType()).isEqualTo(Type.SOA));
		ZoneAnswer ns = answer("cluster.local.", Type.NS);
		assertThat(rdata(ns.answers())).containsExactly("ns.dns.cluster.local.");
		assertThat(rdata(ns.additional())).containsExactly("127.0.0.1");
		assertThat(rdata(answer("ns.dns.cluster.local.", Type.A).answers())).containsExactly("127.0.0.1");
		assertThat(rdata(answer("dns-version.cluster.local.", Type.TXT).answers())).containsExactly("1.1.0");
	}

	@Test
	void reverseLookupsOfClusterAddresses() {
		Optional<ZoneAnswer> service = this.zone.reverse(name("2.1.96.10.in-addr.arpa."), Type.PTR);
		assertThat(service).isPresent();
		assertThat(rdata(service.get().answers())).containsExactly("web.default.svc.cluster.local.");
		Optional<ZoneAnswer> endpoint = this.zone.reverse(name("11.0.17.172.in-addr.arpa."), Type.PTR);
		assertThat(rdata(endpoint.get().answers())).containsExactly("pg-1.pg.db.svc.cluster.local.");
		// Not the cluster's: the node's resolver answers (empty here means "forward").
		assertThat(this.zone.reverse(name("8.8.8.8.in-addr.arpa."), Type.PTR)).isEmpty();
		assertThat(this.zone.reverse(name("96.10.in-addr.arpa."), Type.PTR)).isEmpty();
	}

	@Test
	void otherClusterDomains() {
		ClusterZone other = new ClusterZone(new DnsProperties(true, "127.0.0.1", 53, "corp.internal",
				java.time.Duration.ofSeconds(30), false, List.of(), java.nio.file.Path.of("/etc/resolv.conf"),
				java.time.Duration.ofSeconds(1), DnsProperties.PodMode.INSECURE, false, null,
				java.time.Duration.ofSeconds(1), 1, java.time.Duration.ofSeconds(1)), this.records);
		assertThat(other.contains(name("web.default.svc.cluster.local."))).isFalse();
		ZoneAnswer answer = other.answer(name("web.default.svc.corp.internal."), Type.A);
		assertThat(rdata(answer.answers())).containsExactly("10.96.1.2");
		assertThat(answer.answers().get(0).getTTL()).isEqualTo(30);
	}

	private ZoneAnswer answer(String name, int type) {
		Name qname = name(name);
		assertThat(this.zone.contains(qname)).isTrue();
		return this.zone.answer(qname, type);
	}

	static Name name(String name) {
		return Name.fromConstantString(name);
	}

	static List<String> rdata(List<Record> records) {
		return records.stream().map(Record::rdataToString).toList();
	}

}
