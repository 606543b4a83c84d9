package io.stevedore.proxy.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The node's resolver in tests: on 127.0.0.1, UDP and TCP on one free port, every A query
 * answered with 192.0.2.1 (TEST-NET-1, never routed) except {@code nx.example.}
 * (NXDOMAIN). Records every question it saw, so tests can prove what was (not) forwarded.
 */
final class FakeUpstream implements AutoCloseable {

	static final String ADDRESS = "192.0.2.1";

	private final DatagramSocket udp;

	private final ServerSocket tcp;

	final List<String> questions = new CopyOnWriteArrayList<>();

	FakeUpstream() throws IOException {
		this.udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		this.tcp = new ServerSocket(this.udp.getLocalPort(), 16, InetAddress.getLoopbackAddress());
		Thread.ofVirtual().start(this::serveUdp);
		Thread.ofVirtual().start(this::acceptTcp);
	}

	String hostPort() {
		return "127.0.0.1:" + this.udp.getLocalPort();
	}

	private void serveUdp() {
		byte[] buffer = new byte[65535];
		while (!this.udp.isClosed()) {
			try {
				DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
				this.udp.receive(packet);
				byte[] reply = answer(Arrays.copyOf(buffer, packet.getLength()));
				this.udp.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void acceptTcp() {
		while (!this.tcp.isClosed()) {
			try (Socket socket = this.tcp.accept()) {
				DataInputStream in = new DataInputStream(socket.getInputStream());
				byte[] query = new byte[in.readUnsignedShort()];
				in.readFully(query);
				byte[] reply = answer(query);
				DataOutputStream out = new DataOutputStream(socket.getOutputStream());
				out.writeShort(reply.length);
				out.write(reply);
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private byte[] answer(byte[] wire) throws IOException {
		Message query = new Message(wire);
		Record question = query.getQuestion();
		this.questions.add(question.getName() + " " + Type.string(question.getType()));
		Message reply = new Message(query.getHeader().getID());
		reply.getHeader().setFlag(Flags.QR);
		reply.getHeader().setFlag(Flags.RA);
		reply.addRecord(question, Section.QUESTION);
		if (question.getName().toString().equals("nx.example.")) {
			reply.getHeader().setRcode(Rcode.NXDOMAIN);
		}
		else if (question.getType() == Type.A) {
			reply.addRecord(new ARecord(question.getName(), DClass.IN, 60, InetAddress.getByName(ADDRESS)),
					Section.ANSWER);
		}
		return reply.toWire();
	}

	@Override
	public void close() throws IOException {
		this.udp.close();
		this.tcp.close();
	}

}
