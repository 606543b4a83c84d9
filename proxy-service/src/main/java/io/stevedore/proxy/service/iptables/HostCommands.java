package io.stevedore.proxy.service.iptables;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the host's networking tools ({@code iptables-restore}, {@code iptables},
 * {@code ip}, {@code sysctl} writes): the one place the proxy touches the kernel, so
 * tests can replace it with a fake that records what would run.
 */
public interface HostCommands {

	/** Runs a command with {@code input} on stdin; never throws for a non-zero exit. */
	Result run(List<String> command, String input);

	default Result run(List<String> command) {
		return run(command, null);
	}

	/** Writes a {@code /proc/sys} value; returns false when the kernel refused. */
	boolean writeSysctl(String path, String value);

	record Result(int exitCode, String output) {

		public boolean ok() {
			return this.exitCode == 0;
		}

	}

	/** The real host. */
	final class Real implements HostCommands {

		@Override
		public Result run(List<String> command, String input) {
			try {
				Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
				CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
					try {
						return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
					}
					catch (IOException ex) {
						return ex.toString();
					}
				}, Thread::startVirtualThread);
				try (OutputStream stdin = process.getOutputStream()) {
					if (input != null) {
						stdin.write(input.getBytes(StandardCharsets.UTF_8));
					}
				}
				if (!process.waitFor(60, TimeUnit.SECONDS)) {
					process.destroyForcibly();
					return new Result(-1, String.join(" ", command) + ": timed out after 60s");
				}
				return new Result(process.exitValue(), output.join().strip());
			}
			catch (IOException ex) {
				return new Result(-1, "cannot run " + command.get(0) + ": " + ex.getMessage());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return new Result(-1, "interrupted running " + command.get(0));
			}
		}

		@Override
		public boolean writeSysctl(String path, String value) {
			try {
				java.nio.file.Files.writeString(java.nio.file.Path.of(path), value);
				return true;
			}
			catch (IOException ex) {
				return false;
			}
		}

	}

}
