package io.stevedore.storage.embedded;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import io.stevedore.storage.Event;
import io.stevedore.storage.KeyValue;

/**
 * The write-ahead log's record format. A frame is
 * {@code [int length][int crc32c][payload]}; a payload is either a change (type,
 * revision, createRevision, prevModRevision, key, value; a delete carries the deleted
 * value so a replayed log can feed watches) or a compaction mark (type, revision).
 */
final class WalRecord {

	static final byte CREATE = 1;

	static final byte UPDATE = 2;

	static final byte DELETE = 3;

	static final byte COMPACT = 4;

	/** Longer frames can only be garbage from a torn write. */
	static final int MAX_PAYLOAD = 1 << 30;

	private WalRecord() {
	}

	/** A decoded record: exactly one of {@code event} and {@code compactRevision > 0}. */
	record Decoded(Event event, long compactRevision) {

	}

	static byte[] encode(Event event) {
		byte[] key = event.kv().key().getBytes(StandardCharsets.UTF_8);
		byte[] value = event.kv().value();
		ByteBuffer payload = ByteBuffer.allocate(1 + 8 + 8 + 8 + 4 + key.length + 4 + value.length);
		payload.put(typeCode(event.type()))
			.putLong(event.revision())
			.putLong(event.kv().createRevision())
			.putLong(event.prevModRevision())
			.putInt(key.length)
			.put(key)
			.putInt(value.length)
			.put(value);
		return frame(payload.array());
	}

	static byte[] encodeCompaction(long revision) {
		return frame(ByteBuffer.allocate(9).put(COMPACT).putLong(revision).array());
	}

	private static byte[] frame(byte[] payload) {
		CRC32C crc = new CRC32C();
		crc.update(payload);
		return ByteBuffer.allocate(8 + payload.length)
			.putInt(payload.length)
			.putInt((int) crc.getValue())
			.put(payload)
			.array();
	}

	/**
	 * Reads the next frame.
	 * @return the record, or {@code null} at a clean end of the log
	 * @throws TornRecordException when the frame is incomplete or fails its checksum
	 */
	static Decoded read(DataInputStream in) throws IOException {
		int length;
		try {
			length = in.readInt();
		}
		catch (EOFException ex) {
			return null;
		}
		try {
			int expectedCrc = in.readInt();
			if (length <= 0 || length > MAX_PAYLOAD) {
				throw new TornRecordException("frame length " + length);
			}
			byte[] payload = in.readNBytes(length);
			if (payload.length < length) {
				throw new TornRecordException("frame cut short");
			}
			CRC32C crc = new CRC32C();
			crc.update(payload);
			if ((int) crc.getValue() != expectedCrc) {
				throw new TornRecordException("checksum mismatch");
			}
			return decode(ByteBuffer.wrap(payload));
		}
		catch (EOFException ex) {
			throw new TornRecordException("frame cut short");
		}
	}

	private static Decoded decode(ByteBuffer payload) {
		byte type = payload.get();
		long revision = payload.getLong();
		if (type == COMPACT) {
			return new Decoded(null, revision);
		}
		long createRevision = payload.getLong();
		long prevModRevision = payload.getLong();
		byte[] key = new byte[payload.getInt()];
		payload.get(key);
		byte[] value = new byte[payload.getInt()];
		payload.get(value);
		KeyValue kv = new KeyValue(new String(key, StandardCharsets.UTF_8), value, createRevision, revision);
		return new Decoded(new Event(eventType(type), kv, prevModRevision), 0);
	}

	private static byte typeCode(Event.Type type) {
		return switch (type) {
			case CREATE -> CREATE;
			case UPDATE -> UPDATE;
			case DELETE -> DELETE;
		};
	}

	private static Event.Type eventType(byte code) {
		return switch (code) {
			case CREATE -> Event.Type.CREATE;
			case UPDATE -> Event.Type.UPDATE;
			case DELETE -> Event.Type.DELETE;
			default -> throw new IllegalStateException("unknown write-ahead log record type " + code);
		};
	}

	/** A frame that a crash cut short: the end of what was acknowledged. */
	static final class TornRecordException extends IOException {

		TornRecordException(String message) {
			super(message);
		}

	}

}
