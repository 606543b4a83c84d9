package io.stevedore.storage.embedded;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

import io.stevedore.storage.KeyValue;
import io.stevedore.storage.StoreException;

/**
 * A full copy of the key space at one revision, {@code snapshot-<revision>.snap}: magic,
 * revision, count, the entries, and a CRC32C of all that. Written to a temporary file,
 * fsynced and renamed, so a crash leaves either the old or the new snapshot.
 */
final class SnapshotFile {

	private static final long MAGIC = 0x53545644534e4150L; // "STVDSNAP"

	private static final String PREFIX = "snapshot-";

	private static final String SUFFIX = ".snap";

	private SnapshotFile() {
	}

	record Loaded(long revision, List<KeyValue> items) {

	}

	static Path write(Path directory, long revision, List<KeyValue> items) throws IOException {
		Path target = directory.resolve(String.format("%s%020d%s", PREFIX, revision, SUFFIX));
		Path temporary = directory.resolve(target.getFileName() + ".tmp");
		try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
				StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
			OutputStream file = Channels.newOutputStream(channel);
			CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(file, 1 << 16),
					new CRC32C());
			DataOutputStream out = new DataOutputStream(checked);
			out.writeLong(MAGIC);
			out.writeLong(revision);
			out.writeInt(items.size());
			for (KeyValue kv : items) {
				byte[] key = kv.key().getBytes(StandardCharsets.UTF_8);
				out.writeInt(key.length);
				out.write(key);
				out.writeInt(kv.value().length);
				out.write(kv.value());
				out.writeLong(kv.createRevision());
				out.writeLong(kv.modRevision());
			}
			out.flush();
			long crc = checked.getChecksum().getValue();
			out.writeLong(crc);
			out.flush();
			channel.force(true);
		}
		Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		Fsync.directory(directory);
		return target;
	}

	/** The newest snapshot of the directory, or {@code null} when there is none. */
	static Loaded readLatest(Path directory) throws IOException {
		List<Path> snapshots = snapshots(directory);
		if (snapshots.isEmpty()) {
			return null;
		}
		return read(snapshots.getLast());
	}

	static Loaded read(Path file) throws IOException {
		try (InputStream raw = Files.newInputStream(file);
				CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(raw, 1 << 16),
						new CRC32C());
				DataInputStream in = new DataInputStream(checked)) {
			if (in.readLong() != MAGIC) {
				throw corrupt(file, "bad magic number");
			}
			long revision = in.readLong();
			int count = in.readInt();
			List<KeyValue> items = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				byte[] key = in.readNBytes(in.readInt());
				byte[] value = in.readNBytes(in.readInt());
				items.add(new KeyValue(new String(key, StandardCharsets.UTF_8), value, in.readLong(), in.readLong()));
			}
			long computed = checked.getChecksum().getValue();
			if (in.readLong() != computed) {
				throw corrupt(file, "checksum mismatch");
			}
			return new Loaded(revision, items);
		}
		catch (java.io.EOFException ex) {
			throw corrupt(file, "file cut short");
		}
	}

	private static StoreException corrupt(Path file, String why) {
		return new StoreException("embedded store: snapshot " + file + " is corrupt (" + why + "); refusing to start");
	}

	/** Deletes the snapshots older than {@code revision} and stale temporary files. */
	static void deleteBefore(Path directory, long revision) throws IOException {
		for (Path snapshot : snapshots(directory)) {
			if (revisionOf(snapshot) < revision) {
				Files.deleteIfExists(snapshot);
			}
		}
		try (Stream<Path> files = Files.list(directory)) {
			for (Path leftover : files.filter(p -> p.getFileName().toString().endsWith(SUFFIX + ".tmp")).toList()) {
				if (!leftover.getFileName().toString().contains(String.format("%020d", revision))) {
					Files.deleteIfExists(leftover);
				}
			}
		}
	}

	static List<Path> snapshots(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return files.filter(path -> {
				String name = path.getFileName().toString();
				return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
			}).sorted((a, b) -> Long.compare(revisionOf(a), revisionOf(b))).toList();
		}
	}

	private static long revisionOf(Path snapshot) {
		String name = snapshot.getFileName().toString();
		return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
	}

}
