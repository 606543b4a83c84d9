package io.stevedore.nodeagent.streaming;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Kubernetes' channel protocol of exec and attach over WebSocket (apimachinery's
 * {@code remotecommand} and {@code wsstream}): every binary message starts with one
 * channel byte — 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize, and from v5 on 255
 * "close" whose one-byte payload names a stream the sender closed (kubectl closes stdin
 * so). The error channel carries, from v4 on, one {@code Status}: Success, or Failure
 * with reason NonZeroExitCode and the code as cause {@code ExitCode} (kubectl exits with
 * it); before v4 only an error text.
 * <p>
 * Threading: stateless.
 */
public final class ChannelProtocol {

	public static final String V5 = "v5.channel.k8s.io";

	public static final String V4 = "v4.channel.k8s.io";

	public static final String V3 = "v3.channel.k8s.io";

	public static final String V2 = "v2.channel.k8s.io";

	public static final String V1 = "channel.k8s.io";

	/** What this server speaks, best first (the client's order decides). */
	public static final List<String> SUPPORTED = List.of(V5, V4, V3, V2, V1);

	public static final int STDIN = 0;

	public static final int STDOUT = 1;

	public static final int STDERR = 2;

	public static final int ERROR = 3;

	public static final int RESIZE = 4;

	public static final int CLOSE = 255;

	private static final ObjectMapper JSON = new ObjectMapper();

	private ChannelProtocol() {
	}

	/** One message: the channel byte, then the data. */
	public static ByteBuffer frame(int channel, byte[] data, int offset, int length) {
		ByteBuffer message = ByteBuffer.allocate(length + 1);
		message.put((byte) channel).put(data, offset, length).flip();
		return message;
	}

	/** A received message: its channel and its data (possibly empty). */
	public record Message(int channel, ByteBuffer data) {

		public static Message parse(ByteBuffer message) {
			if (!message.hasRemaining()) {
				return null;
			}
			return new Message(message.get() & 0xff, message.slice());
		}

		public byte[] bytes() {
			byte[] bytes = new byte[this.data.remaining()];
			this.data.duplicate().get(bytes);
			return bytes;
		}

	}

	/** A resize message's {"Width":w,"Height":h}; null when it is not one. */
	public static int[] size(byte[] json) {
		try {
			JsonNode node = JSON.readTree(json);
			if (!node.path("Width").canConvertToInt() || !node.path("Height").canConvertToInt()) {
				return null;
			}
			return new int[] { node.path("Width").asInt(), node.path("Height").asInt() };
		}
		catch (java.io.IOException ex) {
			return null;
		}
	}

	/** The error channel's message for a command that ended with this exit code. */
	public static byte[] exitStatus(String protocol, int exitCode) {
		if (exitCode == 0) {
			return versioned(protocol) ? json(Map.of("status", "Success")) : new byte[0];
		}
		String message = "command terminated with non-zero exit code: exit code " + exitCode;
		if (!versioned(protocol)) {
			return message.getBytes(StandardCharsets.UTF_8);
		}
		ObjectNode status = JSON.createObjectNode();
		status.putObject("metadata");
		status.put("status", "Failure");
		status.put("message", message);
		status.put("reason", "NonZeroExitCode");
		ObjectNode cause = status.putObject("details").putArray("causes").addObject();
		cause.put("reason", "ExitCode");
		cause.put("message", Integer.toString(exitCode));
		return json(status);
	}

	/** The error channel's message for a failure that is not an exit code. */
	public static byte[] failure(String protocol, String message) {
		if (!versioned(protocol)) {
			return message.getBytes(StandardCharsets.UTF_8);
		}
		ObjectNode status = JSON.createObjectNode();
		status.putObject("metadata");
		status.put("status", "Failure");
		status.put("message", message);
		status.put("reason", "InternalError");
		status.put("code", 500);
		return json(status);
	}

	/** v4 and v5 speak Status on the error channel; older versions plain text. */
	static boolean versioned(String protocol) {
		return V4.equals(protocol) || V5.equals(protocol);
	}

	/** Whether the protocol knows resize messages (v3 on). */
	public static boolean resizes(String protocol) {
		return V3.equals(protocol) || versioned(protocol);
	}

	private static byte[] json(Object value) {
		try {
			return JSON.writeValueAsBytes(value);
		}
		catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
