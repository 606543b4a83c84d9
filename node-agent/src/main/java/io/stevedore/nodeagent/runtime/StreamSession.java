package io.stevedore.nodeagent.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The live streams of a process in a container: a command run with {@code exec}, or the
 * container's main process with {@code attach} (the CRI's Exec and Attach). Output comes
 * out in chunks tagged with the stream it was written to; with a terminal everything is
 * stdout, as the engine gives no way to tell them apart.
 * <p>
 * Threading: one thread reads ({@link #read}), another may write stdin and resize at the
 * same time; {@link #close} may be called from any thread and ends both.
 */
public interface StreamSession extends Closeable {

	/** stdout's tag in {@link Chunk#stream()}. */
	int STDOUT = 1;

	/** stderr's tag in {@link Chunk#stream()}. */
	int STDERR = 2;

	/**
	 * The process's stdin; {@link OutputStream#close()} sends end-of-file (the process
	 * sees EOF, its output keeps flowing).
	 */
	OutputStream stdin();

	/** The next chunk of output, blocking; null once the output has ended. */
	Chunk read() throws IOException;

	/** Resizes the terminal (no effect without one). */
	void resize(int width, int height);

	/**
	 * The command's exit code once its output has ended, or null when the engine does not
	 * know one (attach: the container still runs).
	 */
	Integer exitCode();

	/**
	 * @param stream {@link #STDOUT} or {@link #STDERR}
	 */
	record Chunk(int stream, byte[] data) {
	}

}
