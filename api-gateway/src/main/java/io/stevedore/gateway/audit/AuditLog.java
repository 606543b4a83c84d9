package io.stevedore.gateway.audit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import io.stevedore.gateway.status.StatusResponses;

/**
 * Appends audit events as JSON lines. Thread-safe: one line per event, written and
 * flushed under a lock so lines never interleave.
 */
public final class AuditLog implements AutoCloseable {

	private final BufferedWriter writer;

	public AuditLog(Path file) {
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
		this.writer.close();
	}

}
