package io.stevedore.storage.backup;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

import io.stevedore.storage.KeyValue;

/**
 * The backup file: gzip of a magic line, a format version, the snapshot's revision and
 * entry count, then each key and value with lengths, and a CRC-32 of everything before
 * it. The checksum and the count make a truncated or corrupted file fail to read instead
 * of restoring part of a cluster.
 */
public final class BackupFile {

	private static final byte[] MAGIC = "STEVEDORE-BACKUP\n".getBytes(StandardCharsets.US_ASCII);

	private static final int VERSION = 1;

	/** Longest key or value accepted on read; guards against reading garbage lengths. */
	private static final int MAX_LENGTH = 256 * 1024 * 1024;

	private BackupFile() {
	}

	public static void write(Snapshot snapshot, OutputStream target) throws IOException {
		GZIPOutputStream gzip = new GZIPOutputStream(new BufferedOutputStream(target, 1 << 16), 1 << 16);
		CRC32 crc = new CRC32();
		DataOutputStream out = new DataOutputStream(new CheckedOutputStream(gzip, crc));
		out.write(MAGIC);
		out.writeInt(VERSION);
		out.writeLong(snapshot.revision());
		out.writeInt(snapshot.entries().size());
		for (KeyValue kv : snapshot.entries()) {
			byte[] key = kv.key().getBytes(StandardCharsets.UTF_8);
			out.writeInt(key.length);
			out.write(key);
			out.writeInt(kv.value().length);
			out.write(kv.value());
		}
		out.flush();
		new DataOutputStream(gzip).writeLong(crc.getValue());
		gzip.finish();
		gzip.flush();
	}

	/**
	 * @throws InvalidBackupException when the data is not a complete backup of a version
	 * this build reads
	 */
	public static Snapshot read(InputStream source) throws IOException {
		try {
			GZIPInputStream gzip = new GZIPInputStream(new BufferedInputStream(source, 1 << 16), 1 << 16);
			CRC32 crc = new CRC32();
			DataInputStream in = new DataInputStream(new CheckedInputStream(gzip, crc));
			byte[] magic = new byte[MAGIC.length];
			in.readFully(magic);
			if (!Arrays.equals(magic, MAGIC)) {
				throw new InvalidBackupException("not a Stevedore backup (its header is not STEVEDORE-BACKUP)");
			}
			int version = in.readInt();
			if (version != VERSION) {
				throw new InvalidBackupException(
						"backup format version " + version + " is not supported (this build reads " + VERSION + ")");
			}
			long revision = in.readLong();
			int count = in.readInt();
			if (count < 0) {
				throw new InvalidBackupException("corrupted backup: negative entry count " + count);
			}
			List<KeyValue> entries = new ArrayList<>(Math.min(count, 1 << 20));
			for (int i = 0; i < count; i++) {
				String key = new String(readBlock(in, "key"), StandardCharsets.UTF_8);
				byte[] value = readBlock(in, "value of " + key);
				entries.add(new KeyValue(key, value, 0, 0));
			}
			long expected = crc.getValue();
			long stored = new DataInputStream(gzip).readLong();
			if (stored != expected) {
				throw new InvalidBackupException("corrupted backup: checksum mismatch");
			}
			return new Snapshot(revision, entries);
		}
		catch (EOFException ex) {
			throw new InvalidBackupException("truncated backup: the file ends before its last entry and checksum");
		}
		catch (ZipException ex) {
			throw new InvalidBackupException("not a Stevedore backup (not gzip data: " + ex.getMessage() + ")");
		}
	}

	private static byte[] readBlock(DataInputStream in, String what) throws IOException {
		int length = in.readInt();
		if (length < 0 || length > MAX_LENGTH) {
			throw new InvalidBackupException("corrupted backup: " + what + " has length " + length);
		}
		byte[] block = new byte[length];
		in.readFully(block);
		return block;
	}

}
