package io.stevedore.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Per-phase JFR recordings of a server process through jcmd, so CPU samples can be
 * counted per phase and per request (Java sampled every millisecond: the default 10 ms
 * gives a few hundred samples per phase); nothing when no directory is given.
 *
 * @param pid the server's process
 * @param directory where {@code PREFIX-PHASE.jfr} files go; null: no recording
 * @param prefix names the files, e.g. the store or the service
 */
record JfrRecording(long pid, Path directory, String prefix) {

	void start(String phase) throws IOException, InterruptedException {
		if (this.directory != null) {
			jcmd(this.pid, "JFR.start name=" + phase + " settings=profile jdk.ExecutionSample#period=1ms");
		}
	}

	void stop(String phase) throws IOException, InterruptedException {
		if (this.directory != null) {
			Files.createDirectories(this.directory);
			jcmd(this.pid, "JFR.stop name=" + phase + " filename="
					+ this.directory.resolve(this.prefix + "-" + phase + ".jfr").toAbsolutePath());
		}
	}

	/**
	 * Runs a jcmd command (e.g. {@code GC.run}) against the process, output discarded.
	 */
	static void jcmd(long pid, String command) throws IOException, InterruptedException {
		Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
		List<String> commandLine = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
		commandLine.addAll(List.of(command.split(" ")));
		new ProcessBuilder(commandLine).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start()
			.waitFor(30, TimeUnit.SECONDS);
	}

}
