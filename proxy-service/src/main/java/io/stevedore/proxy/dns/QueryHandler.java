package io.stevedore.proxy.dns;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * One DNS message in, one reply out. Cluster names are answered from the zone on the
 * calling thread; everything else (and the target of an ExternalName CNAME) needs the
 * node's resolver, which blocks, so it comes back as {@link Outcome.Blocking} for the
 * server to run on a virtual thread. Bad input is answered, never thrown: FORMERR for a
 * message that does not parse or asks not exactly one question, NOTIMP for other opcodes,
 * classes and meta types (ANY, AXFR, IXFR); a response sent to the server is dropped, so
 * two servers cannot bounce packets between them.
 */
final class QueryHandler {

	/** The largest UDP answer offered to EDNS clients (the DNS Flag Day 2020 value). */
	static final int MAX_EDNS_PAYLOAD = 1232;

	/** Plain DNS over UDP (RFC 1035). */
	static final int MAX_PLAIN_UDP = 512;

	private static final int MAX_CNAME_CHAIN = 8;

	private final ClusterZone zone;

	private final Forwarder forwarder;

	QueryHandler(ClusterZone zone, Forwarder forwarder) {
		this.zone = zone;
		this.forwarder = forwarder;
	}

	/** What the server does with one received message. */
	sealed interface Outcome {

		/** Send this reply. */
		record Reply(byte[] wire) implements Outcome {
		}

		/**
		 * Run this off the receiving thread (it waits for an upstream), then send its
		 * reply.
		 */
		record Blocking(Supplier<byte[]> work) implements Outcome {
		}

		/** Send nothing. */
		record Drop() implements Outcome {
		}

	}

	/** The reply, running blocking work inline: for TCP connections and tests. */
	Optional<byte[]> reply(byte[] wire, Transport transport) {
		return switch (handle(wire, transport)) {
			case Outcome.Reply reply -> Optional.of(reply.wire());
			case Outcome.Blocking blocking -> Optional.of(blocking.work().get());
			case Outcome.Drop drop -> Optional.empty();
		};
	}

	Outcome handle(byte[] wire, Transport transport) {
		if (wire.length < Header.LENGTH) {
			return new Outcome.Drop();
		}
		Header header;
		try {
			header = new Header(wire);
		}
		catch (IOException ex) {
			return new Outcome.Drop();
		}
		if (header.getFlag(Flags.QR)) {
			return new Outcome.Drop();
		}
		Message query;
		try {
			query = new Message(wire);
		}
		catch (IOException | RuntimeException ex) {
			return new Outcome.Reply(bare(header, Rcode.FORMERR));
		}
		if (header.getOpcode() != Opcode.QUERY) {
			return new Outcome.Reply(error(query, Rcode.NOTIMP, transport));
		}
		if (header.getCount(Section.QUESTION) != 1) {
			return new Outcome.Reply(error(query, Rcode.FORMERR, transport));
		}
		Record question = query.getQuestion();
		Name qname = question.getName();
		int qtype = question.getType();
		boolean inZone = this.zone.contains(qname);
		Optional<ZoneAnswer> reverse = inZone ? Optional.empty() : this.zone.reverse(qname, qtype);
		if (!inZone && reverse.isEmpty()) {
			return new Outcome.Blocking(() -> forward(query, wire, transport));
		}
		if (question.getDClass() != DClass.IN || !Type.isRR(qtype)) {
			return new Outcome.Reply(error(query, Rcode.NOTIMP, transport));
		}
		if (!this.zone.synced()) {
			// Before the first list, "no such name" would be a lie that resolvers cache.
			return new Outcome.Reply(error(query, Rcode.SERVFAIL, transport));
		}
		ZoneAnswer answer = reverse.orElseGet(() -> this.zone.answer(qname, qtype));
		List<Record> answers = new ArrayList<>(answer.answers());
		List<Record> additional = new ArrayList<>(answer.additional());
		Name target = answer.cnameTarget();
		int rcode = answer.rcode();
		// Follow CNAMEs inside the zone here; one leaving it needs the upstream.
		for (int hop = 0; target != null && qtype != Type.CNAME && hop < MAX_CNAME_CHAIN; hop++) {
			if (!this.zone.contains(target)) {
				Name external = target;
				return new Outcome.Blocking(() -> respond(query, Rcode.NOERROR,
						withExternal(answers, external, qtype, transport), additional, transport));
			}
			ZoneAnswer next = this.zone.answer(target, qtype);
			answers.addAll(next.answers());
			additional.addAll(next.additional());
			rcode = next.rcode();
			target = next.cnameTarget();
		}
		return new Outcome.Reply(respond(query, rcode, answers, additional, transport));
	}

	private byte[] forward(Message query, byte[] wire, Transport transport) {
		return this.forwarder.forward(wire, transport).orElseGet(() -> error(query, Rcode.SERVFAIL, transport));
	}

	/**
	 * The CNAME chain so far plus what the node's resolver says about its external end.
	 */
	private List<Record> withExternal(List<Record> chain, Name target, int qtype, Transport transport) {
		List<Record> answers = new ArrayList<>(chain);
		Message lookup = Message.newQuery(Record.newRecord(target, qtype, DClass.IN));
		Optional<byte[]> reply = this.forwarder.forward(lookup.toWire(), Transport.UDP);
		try {
			Message message = (reply.isPresent()) ? new Message(reply.get()) : null;
			if (message != null && message.getHeader().getFlag(Flags.TC)) {
				reply = this.forwarder.forward(lookup.toWire(), Transport.TCP);
				message = (reply.isPresent()) ? new Message(reply.get()) : null;
			}
			if (message != null && message.getRcode() == Rcode.NOERROR) {
				answers.addAll(message.getSection(Section.ANSWER));
			}
		}
		catch (IOException ex) {
			// The CNAME alone is still a right answer; the client may resolve its target.
		}
		return answers;
	}

	private byte[] respond(Message query, int rcode, List<Record> answers, List<Record> additional,
			Transport transport) {
		Message response = header(query, rcode);
		response.getHeader().setFlag(Flags.AA);
		for (Record record : answers) {
			response.addRecord(record, Section.ANSWER);
		}
		if (answers.isEmpty()) {
			// NXDOMAIN and NODATA carry the SOA: its minimum is how long to cache the
			// "no".
			response.addRecord(this.zone.soa(), Section.AUTHORITY);
		}
		for (Record record : additional) {
			response.addRecord(record, Section.ADDITIONAL);
		}
		return wire(query, response, transport);
	}

	private byte[] error(Message query, int rcode, Transport transport) {
		return wire(query, header(query, rcode), transport);
	}

	private static Message header(Message query, int rcode) {
		Message response = new Message(query.getHeader().getID());
		Header header = response.getHeader();
		header.setFlag(Flags.QR);
		header.setOpcode(query.getHeader().getOpcode());
		if (query.getHeader().getFlag(Flags.RD)) {
			header.setFlag(Flags.RD);
		}
		// Recursion is available: everything outside the cluster goes to the node's
		// resolver.
		header.setFlag(Flags.RA);
		header.setRcode(rcode);
		if (query.getHeader().getCount(Section.QUESTION) == 1) {
			response.addRecord(query.getQuestion(), Section.QUESTION);
		}
		return response;
	}

	/** The reply for UDP is cut to what the client can take (see {@link #truncate}). */
	private static byte[] wire(Message query, Message response, Transport transport) {
		OPTRecord opt = query.getOPT();
		if (opt != null) {
			response.addRecord(new OPTRecord(MAX_EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
		}
		byte[] full = response.toWire();
		if (transport == Transport.TCP) {
			return full;
		}
		int limit = (opt == null) ? MAX_PLAIN_UDP
				: Math.max(MAX_PLAIN_UDP, Math.min(opt.getPayloadSize(), MAX_EDNS_PAYLOAD));
		return (full.length <= limit) ? full : truncate(response, limit);
	}

	/**
	 * Drops glue first (no TC: the answer is whole); when the answer itself does not fit,
	 * keeps as many answer records as fit and sets TC. Resolvers that retry over TCP get
	 * everything; those that cannot (musl, busybox) still get some addresses rather than
	 * an empty truncated reply.
	 */
	static byte[] truncate(Message response, int limit) {
		List<Record> answers = response.getSection(Section.ANSWER);
		List<Record> authority = response.getSection(Section.AUTHORITY);
		byte[] whole = cut(response, answers, authority, false).toWire();
		if (whole.length <= limit) {
			return whole;
		}
		int low = 0;
		int high = answers.size() - 1;
		while (low < high) {
			int mid = (low + high + 1) / 2;
			if (cut(response, answers.subList(0, mid), List.of(), true).toWire().length <= limit) {
				low = mid;
			}
			else {
				high = mid - 1;
			}
		}
		return cut(response, answers.subList(0, low), List.of(), true).toWire();
	}

	private static Message cut(Message response, List<Record> answers, List<Record> authority, boolean truncated) {
		Message cut = new Message(response.getHeader().getID());
		Header header = cut.getHeader();
		for (int flag : new int[] { Flags.QR, Flags.AA, Flags.RD, Flags.RA }) {
			if (response.getHeader().getFlag(flag)) {
				header.setFlag(flag);
			}
		}
		if (truncated) {
			header.setFlag(Flags.TC);
		}
		header.setOpcode(response.getHeader().getOpcode());
		header.setRcode(response.getRcode());
		for (Record question : response.getSection(Section.QUESTION)) {
			cut.addRecord(question, Section.QUESTION);
		}
		answers.forEach((record) -> cut.addRecord(record, Section.ANSWER));
		authority.forEach((record) -> cut.addRecord(record, Section.AUTHORITY));
		if (response.getOPT() != null) {
			cut.addRecord(response.getOPT(), Section.ADDITIONAL);
		}
		return cut;
	}

	/** A reply to a message that did not parse: its header only. */
	private static byte[] bare(Header query, int rcode) {
		Header header = new Header(query.getID());
		header.setFlag(Flags.QR);
		header.setOpcode(query.getOpcode());
		header.setRcode(rcode);
		return header.toWire();
	}

}
