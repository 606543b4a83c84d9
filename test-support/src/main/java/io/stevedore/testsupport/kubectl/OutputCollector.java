package io.stevedore.testsupport.kubectl;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Drains one output stream of a process into memory as it arrives, so a process never
 * blocks on a full pipe and a test can look at what a long-running command (a watch)
 * printed so far.
 *
 * <p>
 * Threading: one virtual thread reads; {@link #text()} may be called from any thread.
 */
final class OutputCollector {

	private final StringBuilder text = new StringBuilder();

	private final Thread reader;

	private OutputCollector(InputStream stream) {
		this.reader = Thread.ofVirtual().name("kubectl-output").start(() -> drain(stream));
	}

	static OutputCollector collect(InputStream stream) {
		return new OutputCollector(stream);
	}

	private void drain(InputStream stream) {
		char[] buffer = new char[8192];
		try (Reader in = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
			int read;
			while ((read = in.read(buffer)) != -1) {
				synchronized (this.text) {
					this.text.append(buffer, 0, read);
				}
			}
		}
		catch (IOException ex) {
			// The process was destroyed while we read: what arrived before is kept.
		}
	}

	String text() {
		synchronized (this.text) {
			return this.text.toString();
		}
	}

	/** Waits until the process closed the stream, so {@link #text()} is complete. */
	String awaitEnd() {
		try {
			this.reader.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new UncheckedIOException(new IOException("interrupted while reading kubectl output", ex));
		}
		return text();
	}

}
