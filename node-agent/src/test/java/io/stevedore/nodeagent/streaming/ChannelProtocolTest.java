package io.stevedore.nodeagent.streaming;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ChannelProtocolTest {

	private final ObjectMapper json = new ObjectMapper();

	@Test
	void aFrameIsTheChannelByteFollowedByTheData() {
		byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
		ByteBuffer frame = ChannelProtocol.frame(ChannelProtocol.STDERR, data, 1, 3);
		assertThat(frame.remaining()).isEqualTo(4);
		assertThat(frame.get(0)).isEqualTo((byte) 2);
		assertThat(new String(frame.array(), 1, 3, StandardCharsets.UTF_8)).isEqualTo("ell");
	}

	@Test
	void aReceivedMessageSplitsIntoItsChannelAndData() {
		ChannelProtocol.Message message = ChannelProtocol.Message.parse(ByteBuffer.wrap(new byte[] { (byte) 255, 0 }));
		assertThat(message.channel()).isEqualTo(ChannelProtocol.CLOSE);
		assertThat(message.bytes()).containsExactly(0);
		assertThat(ChannelProtocol.Message.parse(ByteBuffer.allocate(0))).isNull();
		assertThat(ChannelProtocol.Message.parse(ByteBuffer.wrap(new byte[] { 0 })).bytes()).isEmpty();
	}

	@Test
	void aResizeMessageCarriesWidthAndHeight() {
		assertThat(ChannelProtocol.size("{\"Width\":120,\"Height\":40}".getBytes(StandardCharsets.UTF_8)))
			.containsExactly(120, 40);
		assertThat(ChannelProtocol.size("{\"Width\":\"wide\"}".getBytes(StandardCharsets.UTF_8))).isNull();
		assertThat(ChannelProtocol.size("not json".getBytes(StandardCharsets.UTF_8))).isNull();
	}

	@Test
	void aZeroExitIsASuccessStatusFromV4On() throws Exception {
		JsonNode status = this.json.readTree(ChannelProtocol.exitStatus(ChannelProtocol.V5, 0));
		assertThat(status.path("status").asText()).isEqualTo("Success");
		assertThat(ChannelProtocol.exitStatus(ChannelProtocol.V2, 0)).isEmpty();
	}

	@Test
	void aNonZeroExitIsAFailureWithTheCodeAsCauseThatKubectlExitsWith() throws Exception {
		JsonNode status = this.json.readTree(ChannelProtocol.exitStatus(ChannelProtocol.V4, 7));
		assertThat(status.path("status").asText()).isEqualTo("Failure");
		assertThat(status.path("reason").asText()).isEqualTo("NonZeroExitCode");
		assertThat(status.path("details").path("causes").get(0).path("reason").asText()).isEqualTo("ExitCode");
		assertThat(status.path("details").path("causes").get(0).path("message").asText()).isEqualTo("7");
		assertThat(new String(ChannelProtocol.exitStatus(ChannelProtocol.V1, 7), StandardCharsets.UTF_8))
			.contains("exit code 7");
	}

	@Test
	void resizeIsKnownFromV3On() {
		assertThat(ChannelProtocol.resizes(ChannelProtocol.V5)).isTrue();
		assertThat(ChannelProtocol.resizes(ChannelProtocol.V3)).isTrue();
		assertThat(ChannelProtocol.resizes(ChannelProtocol.V2)).isFalse();
	}

	@Test
	void theRequestNeedsACommandForExecAndAtLeastOneStream() {
		StreamRequest request = StreamRequest.parse(Map.of("command", List.of("sh", "-c", "echo hi"), "stdout",
				List.of("true"), "stderr", List.of("true"), "tty", List.of("1")), true);
		assertThat(request.command()).containsExactly("sh", "-c", "echo hi");
		assertThat(request.stderr()).as("a terminal merges stderr into stdout").isFalse();
		assertThat(request.tty()).isTrue();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StreamRequest.parse(Map.of("stdout", List.of("true")), true))
			.withMessage("you must specify at least 1 command");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StreamRequest.parse(Map.of("command", List.of("ls")), true))
			.withMessage("you must specify at least 1 of stdin, stdout, stderr");
		assertThat(StreamRequest.parse(Map.of("stdout", List.of("true")), false).command()).isEmpty();
	}

}
