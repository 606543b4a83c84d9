package io.stevedore.machinery.validation.certificates;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Just enough DER to take a PKCS#10 request apart: one element (tag, where it starts and
 * ends in the buffer), its children, OIDs as dotted text. Anything malformed is an
 * {@link IllegalArgumentException}.
 */
record Der(byte[] buffer, int tag, int start, int contentStart, int end) {

	static final int SEQUENCE = 0x30;

	static final int BIT_STRING = 0x03;

	static final int OID = 0x06;

	/** The element at {@code offset} of {@code buffer}, ending before {@code limit}. */
	static Der read(byte[] buffer, int offset, int limit) {
		if (offset + 2 > limit) {
			throw new IllegalArgumentException("asn1: syntax error: data truncated");
		}
		int tag = buffer[offset] & 0xff;
		int lengthByte = buffer[offset + 1] & 0xff;
		int position = offset + 2;
		long length;
		if (lengthByte < 0x80) {
			length = lengthByte;
		}
		else {
			int count = lengthByte & 0x7f;
			if (count == 0 || count > 4 || position + count > limit) {
				throw new IllegalArgumentException("asn1: syntax error: invalid length");
			}
			length = 0;
			for (int i = 0; i < count; i++) {
				length = (length << 8) | (buffer[position++] & 0xff);
			}
		}
		if (position + length > limit) {
			throw new IllegalArgumentException("asn1: syntax error: data truncated");
		}
		return new Der(buffer, tag, offset, position, (int) (position + length));
	}

	/** The whole buffer as one element, with nothing after it. */
	static Der parse(byte[] der) {
		Der element = read(der, 0, der.length);
		if (element.end != der.length) {
			throw new IllegalArgumentException("x509: trailing data after certificate request");
		}
		return element;
	}

	Der expect(int expectedTag, String what) {
		if (this.tag != expectedTag) {
			throw new IllegalArgumentException("asn1: structure error: tags don't match (" + what + ")");
		}
		return this;
	}

	List<Der> children() {
		List<Der> children = new ArrayList<>();
		int position = this.contentStart;
		while (position < this.end) {
			Der child = read(this.buffer, position, this.end);
			children.add(child);
			position = child.end;
		}
		return children;
	}

	/** The element with its tag and length: what a signature covers. */
	byte[] encoded() {
		return Arrays.copyOfRange(this.buffer, this.start, this.end);
	}

	byte[] content() {
		return Arrays.copyOfRange(this.buffer, this.contentStart, this.end);
	}

	String oid() {
		expect(OID, "object identifier");
		byte[] bytes = content();
		if (bytes.length == 0) {
			throw new IllegalArgumentException("asn1: syntax error: empty object identifier");
		}
		StringBuilder text = new StringBuilder();
		long value = 0;
		boolean first = true;
		for (byte b : bytes) {
			value = (value << 7) | (b & 0x7f);
			if ((b & 0x80) == 0) {
				if (first) {
					int head = (int) Math.min(value / 40, 2);
					text.append(head).append('.').append(value - head * 40L);
					first = false;
				}
				else {
					text.append('.').append(value);
				}
				value = 0;
			}
		}
		return text.toString();
	}

}
