package io.stevedore.proxy.dns;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import static io.stevedore.proxy.dns.InMemoryClusterRecords.clusterIp;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.endpoint;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.externalName;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.headless;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.port;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.slice;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.slicePort;
import static org.assertj.core.api.Assertions.assertThat;

class QueryHandlerTest {

	private final InMemoryClusterRecords records = new InMemoryClusterRecords()
		.add(clusterIp("default", "web", "10.96.1.2", port("http", "TCP", 80)))
		.add(externalName("default", "alias", "web.default.svc.cluster.local"))
		.add(externalName("default", "outside", "www.example.com"))
		.add(headless("default", "big", port("http", "TCP", 80)))
		.add(slice("default", "big", "big-1", "IPv4", List.of(slicePort("http", "TCP", 80)), manyEndpoints(100)));

	private FakeUpstream upstream;

	@AfterEach
	void closeUpstream() throws IOException {
		if (this.upstream != null) {
			this.upstream.close();
		}
	}

	@Test
	void answersAuthoritativelyWithTheQuestionAndId() throws IOException {
		Message query = query("web.default.svc.cluster.local.", Type.A);
		Message reply = reply(handler(List.of()), query, Transport.UDP);
		assertThat(reply.getHeader().getID()).isEqualTo(query.getHeader().getID());
		assertThat(reply.getHeader().getFlag(Flags.QR)).isTrue();
		assertThat(reply.getHeader().getFlag(Flags.AA)).isTrue();
		assertThat(reply.getHeader().getFlag(Flags.RD)).isTrue();
		assertThat(reply.getQuestion()).isEqualTo(query.getQuestion());
		assertThat(reply.getSection(Section.ANSWER)).extracting(Record::rdataToString).containsExactly("10.96.1.2");
	}

	@Test
	void negativeAnswersCarryTheSoa() throws IOException {
		Message nx = reply(handler(List.of()), query("nope.default.svc.cluster.local.", Type.A), Transport.UDP);
		assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
		assertThat(nx.getSection(Section.AUTHORITY)).singleElement()
			.satisfies((soa) -> assertThat(soa.getType()).isEqualTo(Type.SOA));
		Message nodata = reply(handler(List.of()), query("web.default.svc.cluster.local.", Type.AAAA), Transport.UDP);
		assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
		assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
		assertThat(nodata.getSection(Section.AUTHORITY)).hasSize(1);
	}

	@Test
	void malformedMessagesGetFormerrAndTheServerGoesOn() throws IOException {
		byte[] garbage = query("web.default.svc.cluster.local.", Type.A).toWire();
		byte[] cut = java.util.Arrays.copyOf(garbage, garbage.length - 3);
		QueryHandler handler = handler(List.of());
		Message formerr = new Message(handler.reply(cut, Transport.UDP).orElseThrow());
		assertThat(formerr.getRcode()).isEqualTo(Rcode.FORMERR);
		assertThat(formerr.getHeader().getID()).isEqualTo(new Message(garbage).getHeader().getID());
		// Too short for a header: nothing to answer to.
		assertThat(handler.reply(new byte[] { 1, 2, 3 }, Transport.UDP)).isEmpty();
		assertThat(reply(handler, query("web.default.svc.cluster.local.", Type.A), Transport.UDP).getRcode())
			.isEqualTo(Rcode.NOERROR);
	}

	@Test
	void questionCountOtherThanOneIsFormerr() throws IOException {
		Message two = query("web.default.svc.cluster.local.", Type.A);
		two.addRecord(Record.newRecord(Name.fromConstantString("x.cluster.local."), Type.A, DClass.IN),
				Section.QUESTION);
		assertThat(reply(handler(List.of()), two, Transport.UDP).getRcode()).isEqualTo(Rcode.FORMERR);
		Message none = new Message();
		assertThat(reply(handler(List.of()), none, Transport.UDP).getRcode()).isEqualTo(Rcode.FORMERR);
	}

	@Test
	void unsupportedOpcodesClassesAndTypesAreNotImplemented() throws IOException {
		Message update = query("web.default.svc.cluster.local.", Type.A);
		update.getHeader().setOpcode(Opcode.UPDATE);
		assertThat(reply(handler(List.of()), update, Transport.UDP).getRcode()).isEqualTo(Rcode.NOTIMP);
		assertThat(reply(handler(List.of()), query("cluster.local.", Type.AXFR), Transport.TCP).getRcode())
			.isEqualTo(Rcode.NOTIMP);
		assertThat(
				reply(handler(List.of()), query("web.default.svc.cluster.local.", Type.ANY), Transport.UDP).getRcode())
			.isEqualTo(Rcode.NOTIMP);
		Message chaos = Message
			.newQuery(Record.newRecord(Name.fromConstantString("web.default.svc.cluster.local."), Type.A, DClass.CH));
		assertThat(reply(handler(List.of()), chaos, Transport.UDP).getRcode()).isEqualTo(Rcode.NOTIMP);
	}

	@Test
	void responsesSentToTheServerAreDropped() {
		Message response = query("web.default.svc.cluster.local.", Type.A);
		response.getHeader().setFlag(Flags.QR);
		assertThat(handler(List.of()).reply(response.toWire(), Transport.UDP)).isEmpty();
	}

	@Test
	void bigAnswersAreTruncatedOnUdpAndWholeOnTcp() throws IOException {
		QueryHandler handler = handler(List.of());
		Message query = query("big.default.svc.cluster.local.", Type.A);
		byte[] udp = handler.reply(query.toWire(), Transport.UDP).orElseThrow();
		assertThat(udp.length).isLessThanOrEqualTo(512);
		assertThat(new Message(udp).getHeader().getFlag(Flags.TC)).isTrue();
		// As many addresses as fit (16 bytes each, compressed): clients without TCP still
		// get some.
		assertThat(new Message(udp).getSection(Section.ANSWER)).hasSizeGreaterThan(25);
		Message tcp = reply(handler, query, Transport.TCP);
		assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
		assertThat(tcp.getSection(Section.ANSWER)).hasSize(100);
	}

	@Test
	void ednsClientsGetBiggerUdpAnswersUpTo1232Bytes() throws IOException {
		QueryHandler handler = handler(List.of());
		Message query = query("big.default.svc.cluster.local.", Type.A);
		query.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
		byte[] udp = handler.reply(query.toWire(), Transport.UDP).orElseThrow();
		Message reply = new Message(udp);
		assertThat(udp.length).isGreaterThan(512).isLessThanOrEqualTo(1232);
		assertThat(reply.getHeader().getFlag(Flags.TC)).isTrue();
		assertThat(reply.getOPT()).isNotNull();
		Message small = query("web.default.svc.cluster.local.", Type.A);
		small.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
		assertThat(reply(handler, small, Transport.UDP).getOPT().getPayloadSize()).isEqualTo(1232);
	}

	@Test
	void beforeTheFirstListClusterNamesAreServfailNotNxdomain() throws IOException {
		this.records.synced = false;
		assertThat(reply(handler(List.of()), query("web.default.svc.cluster.local.", Type.A), Transport.UDP).getRcode())
			.isEqualTo(Rcode.SERVFAIL);
	}

	@Test
	void cnamesInsideTheZoneAreFollowed() throws IOException {
		Message reply = reply(handler(List.of()), query("alias.default.svc.cluster.local.", Type.A), Transport.UDP);
		assertThat(reply.getSection(Section.ANSWER)).extracting(Record::rdataToString)
			.containsExactly("web.default.svc.cluster.local.", "10.96.1.2");
	}

	@Test
	void cnamesLeavingTheZoneAreResolvedUpstream() throws IOException {
		this.upstream = new FakeUpstream();
		Message reply = reply(handler(List.of(this.upstream.hostPort())),
				query("outside.default.svc.cluster.local.", Type.A), Transport.UDP);
		assertThat(reply.getSection(Section.ANSWER)).extracting(Record::rdataToString)
			.containsExactly("www.example.com.", FakeUpstream.ADDRESS);
		assertThat(this.upstream.questions).containsExactly("www.example.com. A");
	}

	@Test
	void otherNamesAreForwardedAndClusterNamesNever() throws IOException {
		this.upstream = new FakeUpstream();
		QueryHandler handler = handler(List.of(this.upstream.hostPort()));
		Message query = query("www.example.org.", Type.A);
		Message udp = reply(handler, query, Transport.UDP);
		assertThat(udp.getHeader().getID()).isEqualTo(query.getHeader().getID());
		assertThat(udp.getSection(Section.ANSWER)).extracting(Record::rdataToString)
			.containsExactly(FakeUpstream.ADDRESS);
		assertThat(reply(handler, query("nx.example.", Type.A), Transport.TCP).getRcode()).isEqualTo(Rcode.NXDOMAIN);
		reply(handler, query("nope.default.svc.cluster.local.", Type.A), Transport.UDP);
		reply(handler, query("2.1.96.10.in-addr.arpa.", Type.PTR), Transport.UDP);
		assertThat(this.upstream.questions).containsExactly("www.example.org. A", "nx.example. A");
	}

	@Test
	void withoutAnUpstreamOtherNamesAreServfail() throws IOException {
		assertThat(reply(handler(List.of()), query("www.example.org.", Type.A), Transport.UDP).getRcode())
			.isEqualTo(Rcode.SERVFAIL);
	}

	private QueryHandler handler(List<String> upstreams) {
		// Never Upstreams.resolve with no upstreams: it would read the machine's
		// resolv.conf.
		DnsProperties properties = DnsProperties.of("127.0.0.1", 53);
		return new QueryHandler(new ClusterZone(properties, this.records),
				new Forwarder(upstreams.stream().map(Upstreams::parse).toList(), Duration.ofSeconds(2)));
	}

	private static Message reply(QueryHandler handler, Message query, Transport transport) throws IOException {
		return new Message(handler.reply(query.toWire(), transport).orElseThrow());
	}

	static Message query(String name, int type) {
		return Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
	}

	private static io.fabric8.kubernetes.api.model.discovery.v1.Endpoint[] manyEndpoints(int count) {
		List<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint> endpoints = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			endpoints.add(endpoint("172.18." + (i / 200) + "." + (i % 200 + 1), null, true));
		}
		return endpoints.toArray(io.fabric8.kubernetes.api.model.discovery.v1.Endpoint[]::new);
	}

}
