package io.stevedore.apiserver.codec;

import java.nio.charset.StandardCharsets;

/**
 * Puts the resourceVersion into stored JSON without parsing it. Stored objects are
 * written by {@link ObjectCodec#encodeForStorage} with apiVersion and kind before
 * metadata, so the first {@code "metadata":{} in the bytes opens the object's metadata:
 * inside a JSON string every quote is escaped, so the sequence cannot occur in the two
 * string values before it. This keeps GET, LIST and watch free of a decode/encode per
 * object.
 */
public final class ResourceVersions {

	private static final byte[] METADATA = "\"metadata\":{".getBytes(StandardCharsets.US_ASCII);

	private ResourceVersions() {
	}

	/** The stored bytes with {@code "resourceVersion":"<revision>"} first in metadata. */
	public static byte[] withResourceVersion(byte[] stored, long revision) {
		int at = indexOf(stored, METADATA);
		if (at < 0) {
			throw new IllegalStateException("stored object has no metadata");
		}
		int insert = at + METADATA.length;
		boolean emptyMetadata = insert < stored.length && stored[insert] == '}';
		byte[] field = ("\"resourceVersion\":\"" + revision + "\"" + (emptyMetadata ? "" : ","))
			.getBytes(StandardCharsets.US_ASCII);
		byte[] result = new byte[stored.length + field.length];
		System.arraycopy(stored, 0, result, 0, insert);
		System.arraycopy(field, 0, result, insert, field.length);
		System.arraycopy(stored, insert, result, insert + field.length, stored.length - insert);
		return result;
	}

	static int indexOf(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

}
