package io.stevedore.nodeagent.runtime.simulated;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatedProcessTest {

	static Stream<Arguments> commands() {
		return Stream.of(Arguments.of("the image's own command runs until stopped", List.of(), null, 0, ""),
				Arguments.of("a server runs until stopped", List.of("nginx", "-g", "daemon off;"), null, 0, ""),
				Arguments.of("true exits 0 at once", List.of("true"), Duration.ZERO, 0, ""),
				Arguments.of("false exits 1 at once", List.of("false"), Duration.ZERO, 1, ""),
				Arguments.of("a shell's exit N exits N", List.of("sh", "-c", "exit 3"), Duration.ZERO, 3, ""),
				Arguments.of("sleep N exits 0 after N seconds", List.of("sleep", "5"), Duration.ofSeconds(5), 0, ""),
				Arguments.of("sleeps add up and echoes print before the exit",
						List.of("/bin/sh", "-c", "echo start; sleep 2 && echo 'done'; sleep 1; exit 7"),
						Duration.ofSeconds(3), 7, "start\ndone\n"),
				Arguments.of("a loop runs until stopped, after what it printed",
						List.of("sh", "-c", "echo up; while true; do sleep 1; done"), null, 0, "up\n"),
				Arguments.of("a trap-and-wait sleeper runs until stopped",
						List.of("sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"), null, 0, ""),
				Arguments.of("an exit code above 255 wraps as a process's does", List.of("sh", "-c", "exit 256"),
						Duration.ZERO, 0, ""));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("commands")
	void readsWhatTheCommandWouldDo(String description, List<String> argv, Duration runFor, int exitCode,
			String output) {
		SimulatedProcess process = SimulatedProcess.of(argv);

		assertThat(process.runFor()).isEqualTo(runFor);
		assertThat(process.endsByItself()).isEqualTo(runFor != null);
		assertThat(process.exitCode()).isEqualTo(exitCode);
		assertThat(process.output()).isEqualTo(output);
	}

}
