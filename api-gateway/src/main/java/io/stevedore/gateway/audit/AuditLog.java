package io.stevedore.gateway.audit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import io.stevedore.gateway.status.StatusResponses;

/**
 * Appends audit events as JSON lines. Thread-safe: one line per event, written and
 * flushed under a lock so lines never interleave. The path {@code -} is standard output,
 * as kube-apiserver's {@code --audit-log-path=-}: in a container the log then goes where
 * its other output goes, rotated by the container runtime; each line is written whole
 * while holding {@code System.out}, so the application's log lines never cut into it.
 */
public final class AuditLog implements AutoCloseable {

	/** Null when the log is standard output. */
	private final BufferedWriter writer;

	public AuditLog(Path file) {
		if (file.toString().equals("-")) {
			this.writer = null;
			return;
		}
		try {
			if (file.getParent() != null) {
				Files.createDirectories(file.getParent());
			}
			this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("stevedore.gateway.audit.path: cannot open " + file, ex);
		}
	}

	public synchronized void write(Map<String, Object> event) {
		try {
			if (this.writer == null) {
				byte[] line = (StatusResponses.JSON.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
				PrintStream out = System.out;
				synchronized (out) {
					out.write(line, 0, line.length);
					out.flush();
				}
				return;
			}
			this.writer.write(StatusResponses.JSON.writeValueAsString(event));
			this.writer.newLine();
			this.writer.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write the audit log", ex);
		}
	}

	@Override
	public synchronized void close() throws IOException {
		if (this.writer != null) {
			this.writer.close();
		}
	}

}
