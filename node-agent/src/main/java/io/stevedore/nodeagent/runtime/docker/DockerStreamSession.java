package io.stevedore.nodeagent.runtime.docker;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Supplier;

import io.stevedore.nodeagent.runtime.StreamSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link StreamSession} over a hijacked engine connection, with the engine calls for
 * resizing and for the exit code given by the runtime.
 * <p>
 * Threading: as {@link StreamSession}.
 */
final class DockerStreamSession implements StreamSession {

	private static final Logger log = LoggerFactory.getLogger(DockerStreamSession.class);

	private final HijackedStream stream;

	private final Resizer resizer;

	private final Supplier<Integer> exitCode;

	private final OutputStream stdin;

	@FunctionalInterface
	interface Resizer {

		void resize(int width, int height);

	}

	DockerStreamSession(HijackedStream stream, Resizer resizer, Supplier<Integer> exitCode) {
		this(stream, resizer, exitCode, false);
	}

	/**
	 * @param keepStdinOpen whether the end of the client's stdin stays with the client
	 * (an attach to a container without stdinOnce) instead of reaching the engine
	 */
	DockerStreamSession(HijackedStream stream, Resizer resizer, Supplier<Integer> exitCode, boolean keepStdinOpen) {
		this.stream = stream;
		this.resizer = resizer;
		this.exitCode = exitCode;
		OutputStream engine = stream.stdin();
		this.stdin = !keepStdinOpen ? engine : new java.io.FilterOutputStream(engine) {

			@Override
			public void write(byte[] bytes, int offset, int length) throws IOException {
				this.out.write(bytes, offset, length);
			}

			@Override
			public void close() throws IOException {
				this.out.flush();
			}

		};
	}

	@Override
	public OutputStream stdin() {
		return this.stdin;
	}

	@Override
	public Chunk read() throws IOException {
		return this.stream.read();
	}

	@Override
	public void resize(int width, int height) {
		try {
			this.resizer.resize(width, height);
		}
		catch (RuntimeException ex) {
			// A resize racing the process's end is harmless; the session goes on.
			log.debug("resize to {}x{} failed: {}", width, height, ex.toString());
		}
	}

	@Override
	public Integer exitCode() {
		try {
			return this.exitCode.get();
		}
		catch (RuntimeException ex) {
			log.debug("exit code unknown: {}", ex.toString());
			return null;
		}
	}

	@Override
	public void close() {
		this.stream.close();
	}

}
