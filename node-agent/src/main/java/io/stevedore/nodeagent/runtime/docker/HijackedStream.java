package io.stevedore.nodeagent.runtime.docker;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.stevedore.nodeagent.runtime.StreamSession;

/**
 * One hijacked connection to the Docker engine ({@code POST /exec/{id}/start} or
 * {@code /containers/{id}/attach} upgraded to a raw stream), spoken directly on a socket.
 * <p>
 * Why not docker-java's {@code execStartCmd().withStdIn(...)}: its hijacking transport
 * copies stdin to the connection but never half-closes it when stdin ends, so the process
 * never sees end-of-file and {@code echo x | kubectl exec -i ... cat} or
 * {@code kubectl cp} into a pod would hang forever. Here closing {@link #stdin()} shuts
 * the socket's output down, which the engine turns into EOF on the process's stdin (as
 * the docker CLI does with CloseWrite).
 * <p>
 * Threading: one reader thread, one writer thread; {@link #close()} from anywhere.
 */
final class HijackedStream implements AutoCloseable {

	private final SocketChannel channel;

	private final InputStream in;

	private final OutputStream out;

	private final boolean multiplexed;

	private HijackedStream(SocketChannel channel, InputStream in, boolean multiplexed) {
		this.channel = channel;
		this.in = in;
		this.out = Channels.newOutputStream(channel);
		this.multiplexed = multiplexed;
	}

	/**
	 * Sends the request and reads the engine's answer head.
	 * @param path the request path with its query
	 * @param body the JSON body or null
	 * @param multiplexed whether the output carries Docker's 8-byte stream headers (no
	 * terminal)
	 * @throws IOException when the engine answers anything but an upgrade or 200, with
	 * its message
	 */
	static HijackedStream open(String dockerHost, String path, String body, boolean multiplexed) throws IOException {
		SocketChannel channel = connect(dockerHost);
		try {
			byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
			String head = "POST " + path + " HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n"
					+ "Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: " + content.length + "\r\n\r\n";
			OutputStream out = Channels.newOutputStream(channel);
			out.write(head.getBytes(StandardCharsets.US_ASCII));
			out.write(content);
			out.flush();
			InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 32 * 1024);
			String responseHead = readHead(in);
			int status = Integer.parseInt(responseHead.split(" ", 3)[1]);
			if (status != 101 && status != 200) {
				throw new IOException(engineMessage(in, responseHead));
			}
			return new HijackedStream(channel, in, multiplexed);
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	private static SocketChannel connect(String dockerHost) throws IOException {
		URI uri = URI.create(dockerHost);
		if ("unix".equals(uri.getScheme())) {
			SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
			channel.connect(UnixDomainSocketAddress.of(uri.getPath()));
			return channel;
		}
		if ("tcp".equals(uri.getScheme())) {
			return SocketChannel.open(new InetSocketAddress(uri.getHost(), uri.getPort()));
		}
		throw new IOException("streams need a unix:// or tcp:// Docker host, not " + dockerHost);
	}

	private static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		byte[] end = { '\r', '\n', '\r', '\n' };
		while (matched < end.length) {
			int b = in.read();
			if (b < 0) {
				throw new EOFException("the Docker engine closed the connection before answering");
			}
			head.write(b);
			matched = (b == end[matched]) ? matched + 1 : (b == '\r' ? 1 : 0);
		}
		return head.toString(StandardCharsets.US_ASCII);
	}

	/** The engine's {"message": ...} of an error answer, or its status line. */
	private static String engineMessage(InputStream in, String head) {
		String statusLine = head.lines().findFirst().orElse(head);
		try {
			byte[] body = in.readNBytes(8 * 1024);
			String text = new String(body, StandardCharsets.UTF_8);
			int key = text.indexOf("\"message\":\"");
			if (key >= 0) {
				int start = key + 11;
				int stop = text.indexOf('"', start);
				return stop > start ? text.substring(start, stop) : statusLine;
			}
			return statusLine;
		}
		catch (IOException ex) {
			return statusLine;
		}
	}

	OutputStream stdin() {
		return new OutputStream() {

			@Override
			public void write(int b) throws IOException {
				HijackedStream.this.out.write(b);
			}

			@Override
			public void write(byte[] bytes, int offset, int length) throws IOException {
				HijackedStream.this.out.write(bytes, offset, length);
			}

			@Override
			public void close() throws IOException {
				if (HijackedStream.this.channel.isOpen()) {
					HijackedStream.this.channel.shutdownOutput();
				}
			}

		};
	}

	/** The next chunk of output, or null at its end. */
	StreamSession.Chunk read() throws IOException {
		if (!this.multiplexed) {
			byte[] buffer = new byte[32 * 1024];
			int read = this.in.read(buffer);
			return read < 0 ? null : new StreamSession.Chunk(StreamSession.STDOUT, Arrays.copyOf(buffer, read));
		}
		byte[] header = this.in.readNBytes(8);
		if (header.length < 8) {
			return null;
		}
		int size = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
				| (header[7] & 0xff);
		byte[] data = this.in.readNBytes(size);
		if (data.length < size) {
			return null;
		}
		// 0 is stdin echoed back (never asked for here); treat anything else but stderr
		// as stdout.
		return new StreamSession.Chunk(header[0] == 2 ? StreamSession.STDERR : StreamSession.STDOUT, data);
	}

	@Override
	public void close() {
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// closing: nothing to do
		}
	}

}
