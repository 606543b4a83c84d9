package io.stevedore.gateway.protobuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The few protobuf fields the gateway reads of the objects kubectl's typed client sends
 * ({@code application/vnd.kubernetes.protobuf}): the {@code k8s\0} envelope around a
 * {@code runtime.Unknown}, whose {@code raw} field holds the object. Wire format only, no
 * schema: callers name field numbers from Kubernetes' {@code generated.proto}.
 */
public final class ProtobufMessage {

	private static final byte[] MAGIC = { 'k', '8', 's', 0 };

	private final byte[] buffer;

	private ProtobufMessage(byte[] buffer) {
		this.buffer = buffer;
	}

	public static boolean isKubernetesProtobuf(byte[] body) {
		return body.length >= MAGIC.length && Arrays.equals(Arrays.copyOf(body, MAGIC.length), MAGIC);
	}

	/** The object inside the envelope ({@code runtime.Unknown.raw}). */
	public static ProtobufMessage unwrap(byte[] body) {
		ProtobufMessage unknown = new ProtobufMessage(Arrays.copyOfRange(body, MAGIC.length, body.length));
		ProtobufMessage raw = unknown.message(2);
		if (raw == null) {
			throw new IllegalArgumentException("protobuf envelope without raw object");
		}
		return raw;
	}

	/** The first embedded message {@code field}, or null. */
	public ProtobufMessage message(int field) {
		List<byte[]> values = lengthDelimited(field, true);
		return values.isEmpty() ? null : new ProtobufMessage(values.get(0));
	}

	/** The first string {@code field}, or null. */
	public String string(int field) {
		List<byte[]> values = lengthDelimited(field, true);
		return values.isEmpty() ? null : new String(values.get(0), StandardCharsets.UTF_8);
	}

	/** Every value of a repeated string {@code field}. */
	public List<String> strings(int field) {
		return lengthDelimited(field, false).stream()
			.map((bytes) -> new String(bytes, StandardCharsets.UTF_8))
			.toList();
	}

	/** The first integer {@code field}, or null. */
	public Long varint(int field) {
		Reader reader = new Reader(this.buffer);
		while (reader.hasMore()) {
			long tag = reader.varint();
			if ((int) (tag >>> 3) == field && (tag & 7) == 0) {
				return reader.varint();
			}
			reader.skip((int) (tag & 7), (int) (tag >>> 3));
		}
		return null;
	}

	private List<byte[]> lengthDelimited(int field, boolean firstOnly) {
		List<byte[]> values = new ArrayList<>();
		Reader reader = new Reader(this.buffer);
		while (reader.hasMore()) {
			long tag = reader.varint();
			int number = (int) (tag >>> 3);
			if (number == field && (tag & 7) == 2) {
				values.add(reader.bytes(number));
				if (firstOnly) {
					break;
				}
			}
			else {
				reader.skip((int) (tag & 7), number);
			}
		}
		return values;
	}

	/** A forward-only reader of protobuf wire format. */
	private static final class Reader {

		private final byte[] buffer;

		private int position;

		Reader(byte[] buffer) {
			this.buffer = buffer;
		}

		boolean hasMore() {
			return this.position < this.buffer.length;
		}

		byte[] bytes(int number) {
			int length = (int) varint();
			if (length < 0 || this.position + length > this.buffer.length) {
				throw new IllegalArgumentException("truncated protobuf field " + number);
			}
			byte[] value = Arrays.copyOfRange(this.buffer, this.position, this.position + length);
			this.position += length;
			return value;
		}

		void skip(int wireType, int number) {
			switch (wireType) {
				case 0 -> varint();
				case 1 -> this.position += 8;
				case 5 -> this.position += 4;
				case 2 -> bytes(number);
				default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wireType);
			}
		}

		long varint() {
			long value = 0;
			for (int shift = 0; shift < 64; shift += 7) {
				if (this.position >= this.buffer.length) {
					throw new IllegalArgumentException("truncated protobuf varint");
				}
				byte b = this.buffer[this.position++];
				value |= (long) (b & 0x7f) << shift;
				if ((b & 0x80) == 0) {
					return value;
				}
			}
			throw new IllegalArgumentException("malformed protobuf varint");
		}

	}

}
