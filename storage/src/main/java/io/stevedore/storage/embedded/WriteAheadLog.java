package io.stevedore.storage.embedded;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.stevedore.storage.StoreException;

/**
 * The write-ahead log: segment files {@code wal-<firstRevision>.log} in the store
 * directory. One segment is active for appends; a snapshot at revision R makes every
 * segment before the one that starts after R obsolete.
 *
 * <p>
 * Threading: appends, syncs and rotation come from the store's single committer thread;
 * {@link #deleteSegmentsBefore} may run on the snapshot thread (it never touches the
 * active segment).
 */
final class WriteAheadLog implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(WriteAheadLog.class);

	private static final String PREFIX = "wal-";

	private static final String SUFFIX = ".log";

	private final Path directory;

	private FileChannel active;

	private Path activePath;

	private WriteAheadLog(Path directory) {
		this.directory = directory;
	}

	/**
	 * Replays every valid record of every segment in order, cutting off a torn tail of
	 * the last segment (a write that was never acknowledged), then opens the last segment
	 * (or a new one starting at {@code nextRevision}) for appends.
	 */
	static WriteAheadLog recover(Path directory, long nextRevision, Consumer<WalRecord.Decoded> sink)
			throws IOException {
		List<Path> segments = segments(directory);
		for (int i = 0; i < segments.size(); i++) {
			Path segment = segments.get(i);
			long validBytes = replay(segment, sink);
			long size = Files.size(segment);
			if (validBytes < size) {
				if (i < segments.size() - 1) {
					throw new StoreException("embedded store: write-ahead log segment " + segment
							+ " is corrupt at byte " + validBytes + " but is not the last one; refusing to start");
				}
				log.warn(
						"write-ahead log: dropping a torn tail (an unacknowledged write) segment={} offset={} bytes={}",
						segment, validBytes, size - validBytes);
				try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
					channel.truncate(validBytes);
					channel.force(true);
				}
			}
		}
		WriteAheadLog wal = new WriteAheadLog(directory);
		if (segments.isEmpty()) {
			wal.openSegment(nextRevision);
		}
		else {
			wal.openExisting(segments.getLast());
		}
		return wal;
	}

	private static long replay(Path segment, Consumer<WalRecord.Decoded> sink) throws IOException {
		long valid = 0;
		try (InputStream file = Files.newInputStream(segment);
				CountingInputStream counting = new CountingInputStream(new BufferedInputStream(file, 1 << 16));
				DataInputStream in = new DataInputStream(counting)) {
			while (true) {
				WalRecord.Decoded record;
				try {
					record = WalRecord.read(in);
				}
				catch (WalRecord.TornRecordException ex) {
					return valid;
				}
				if (record == null) {
					return valid;
				}
				valid = counting.count();
				sink.accept(record);
			}
		}
	}

	static List<Path> segments(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return files.filter(path -> isSegment(path.getFileName().toString()))
				.sorted((a, b) -> Long.compare(firstRevision(a), firstRevision(b)))
				.toList();
		}
	}

	private static boolean isSegment(String name) {
		return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
	}

	static long firstRevision(Path segment) {
		String name = segment.getFileName().toString();
		return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
	}

	private static Path segmentPath(Path directory, long firstRevision) {
		return directory.resolve(String.format("%s%020d%s", PREFIX, firstRevision, SUFFIX));
	}

	private void openExisting(Path segment) throws IOException {
		this.active = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
		this.activePath = segment;
	}

	private void openSegment(long firstRevision) throws IOException {
		Path path = segmentPath(this.directory, firstRevision);
		this.active = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.APPEND);
		this.activePath = path;
		Fsync.directory(this.directory);
	}

	/** Writes one group of frames; durable only after {@link #sync()}. */
	void append(ByteBuffer frames) throws IOException {
		while (frames.hasRemaining()) {
			this.active.write(frames);
		}
	}

	/** Makes everything appended durable: the group commit's one fsync. */
	void sync() throws IOException {
		this.active.force(false);
	}

	long activeSize() throws IOException {
		return this.active.size();
	}

	/**
	 * Closes the active segment (already synced) and starts
	 * {@code wal-<nextRevision>.log}.
	 */
	void rotate(long nextRevision) throws IOException {
		this.active.force(true);
		this.active.close();
		openSegment(nextRevision);
	}

	/**
	 * Deletes the segments older than the one starting at {@code firstRevision}, never
	 * the active one.
	 */
	void deleteSegmentsBefore(long firstRevision) throws IOException {
		for (Path segment : segments(this.directory)) {
			if (firstRevision(segment) < firstRevision && !segment.equals(this.activePath)) {
				Files.deleteIfExists(segment);
			}
		}
		Fsync.directory(this.directory);
	}

	@Override
	public void close() throws IOException {
		if (this.active != null && this.active.isOpen()) {
			this.active.force(true);
			this.active.close();
		}
	}

	/** Counts the bytes a stream consumer has read, to find where the valid log ends. */
	private static final class CountingInputStream extends java.io.FilterInputStream {

		private long count;

		CountingInputStream(InputStream in) {
			super(in);
		}

		long count() {
			return this.count;
		}

		@Override
		public int read() throws IOException {
			int b = super.read();
			if (b >= 0) {
				this.count++;
			}
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int n = super.read(buffer, offset, length);
			if (n > 0) {
				this.count += n;
			}
			return n;
		}

		@Override
		public long skip(long n) throws IOException {
			long skipped = super.skip(n);
			this.count += skipped;
			return skipped;
		}

	}

}
