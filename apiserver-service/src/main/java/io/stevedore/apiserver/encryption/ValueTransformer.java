package io.stevedore.apiserver.encryption;

/**
 * Turns an object's stored bytes into what the store holds and back, as Kubernetes'
 * {@code value.Transformer} does at the etcd boundary. The store key is the authenticated
 * context: a value copied under another key does not decrypt.
 *
 * <p>
 * Threading: implementations are immutable and safe for concurrent use.
 */
public interface ValueTransformer {

	/** What the store holds for {@code plain} under {@code key}. */
	byte[] toStorage(String key, byte[] plain);

	/**
	 * The bytes {@link #toStorage} was given.
	 * @throws DecryptionException when the value cannot be read back (tampered, unknown
	 * key, or a prefix no provider reads)
	 */
	byte[] fromStorage(String key, byte[] stored);

}
