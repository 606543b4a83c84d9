package io.stevedore.gateway.audit;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.stevedore.gateway.status.StatusResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends audit events as JSON lines. Thread-safe: lines are copied whole into a buffer,
 * which goes to the file in one write a few milliseconds after its first line (or at once
 * when it fills up, or on {@link #close()}): a write per line was a system call per
 * request on the event loop. So a line reaches the file at most {@link #FLUSH_DELAY_MS}
 * after its request ended, as kube-apiserver's batching audit backends do, and a crash of
 * the process loses the lines of those last milliseconds. The path {@code -} is standard
 * output, as kube-apiserver's {@code --audit-log-path=-}: in a container the log then
 * goes where its other output goes, rotated by the container runtime; each batch of whole
 * lines is written while holding {@code System.out}, so the application's log lines never
 * cut into one.
 */
public final class AuditLog implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(AuditLog.class);

	static final long FLUSH_DELAY_MS = 5;

	/** Past this many bytes waiting, the writer of a line writes them itself. */
	private static final int BUFFER_BYTES = 256 * 1024;

	/** Null when the log is standard output. */
	private final OutputStream file;

	private final ScheduledExecutorService flusher;

	/** Guards the buffer, its size and the scheduled flag; never held during I/O. */
	private final Object lock = new Object();

	/** Held during I/O, so batches reach the file in the order they were filled. */
	private final Object ioLock = new Object();

	private byte[] buffer = new byte[16 * 1024];

	private int size;

	private boolean flushScheduled;

	private boolean closed;

	public AuditLog(Path file) {
		if (file.toString().equals("-")) {
			this.file = null;
		}
		else {
			try {
				if (file.getParent() != null) {
					Files.createDirectories(file.getParent());
				}
				this.file = new FileOutputStream(file.toFile(), true);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("stevedore.gateway.audit.path: cannot open " + file, ex);
			}
		}
		this.flusher = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "audit-log-flush");
			thread.setDaemon(true);
			return thread;
		});
	}

	/** An event with bodies or of any shape: serialised by Jackson. */
	public void write(Map<String, Object> event) {
		try {
			writeLine(StatusResponses.JSON.writeValueAsString(event));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write the audit log", ex);
		}
	}

	/** The event of {@link AuditEvents#event} without bodies, serialised by hand. */
	public void write(AuditEvents.Request request, AuditPolicy.Decision decision, AuditStage stage, Instant at,
			Integer code) {
		writeLine(AuditJson.line(request, decision, stage, at, code));
	}

	/** One JSON object, without its line end. */
	void writeLine(String json) {
		byte[] line = json.getBytes(StandardCharsets.UTF_8);
		int length = line.length + 1;
		boolean schedule = false;
		synchronized (this.lock) {
			if (this.closed) {
				throw new IllegalStateException("the audit log is closed");
			}
			if (this.size + length <= BUFFER_BYTES) {
				if (this.size + length > this.buffer.length) {
					this.buffer = Arrays.copyOf(this.buffer,
							Math.min(BUFFER_BYTES, Math.max(this.buffer.length * 2, this.size + length)));
				}
				System.arraycopy(line, 0, this.buffer, this.size, line.length);
				this.buffer[this.size + line.length] = '\n';
				this.size += length;
				if (!this.flushScheduled) {
					this.flushScheduled = true;
					schedule = true;
				}
				line = null;
			}
		}
		if (schedule) {
			this.flusher.schedule(this::flushQuietly, FLUSH_DELAY_MS, TimeUnit.MILLISECONDS);
		}
		if (line != null) {
			// the buffer is full (the disk is slow or the line huge): write it and this
			// line here, in order, before going on
			synchronized (this.ioLock) {
				flush();
				byte[] whole = Arrays.copyOf(line, length);
				whole[line.length] = '\n';
				output(whole, whole.length);
			}
		}
	}

	/** Writes what is buffered now (the flusher would within {@link #FLUSH_DELAY_MS}). */
	public void flush() {
		synchronized (this.ioLock) {
			byte[] batch;
			int batchSize;
			synchronized (this.lock) {
				this.flushScheduled = false;
				if (this.size == 0) {
					return;
				}
				batch = this.buffer;
				batchSize = this.size;
				this.buffer = new byte[Math.max(16 * 1024, Math.min(BUFFER_BYTES, batchSize))];
				this.size = 0;
			}
			output(batch, batchSize);
		}
	}

	private void flushQuietly() {
		try {
			flush();
		}
		catch (RuntimeException ex) {
			logger.error("cannot write the audit log", ex);
		}
	}

	private void output(byte[] bytes, int length) {
		try {
			if (this.file == null) {
				PrintStream out = System.out;
				synchronized (out) {
					out.write(bytes, 0, length);
					out.flush();
				}
				return;
			}
			this.file.write(bytes, 0, length);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write the audit log", ex);
		}
	}

	@Override
	public void close() throws IOException {
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
		}
		this.flusher.shutdownNow();
		flush();
		if (this.file != null) {
			this.file.close();
		}
	}

}
