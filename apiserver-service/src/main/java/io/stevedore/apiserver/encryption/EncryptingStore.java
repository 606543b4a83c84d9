package io.stevedore.apiserver.encryption;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.stevedore.machinery.errors.ApiException;
import io.stevedore.storage.Event;
import io.stevedore.storage.KeyValue;
import io.stevedore.storage.ListPage;
import io.stevedore.storage.Store;
import io.stevedore.storage.Watch;

/**
 * Encryption at rest at the one boundary every byte crosses on its way to Redis or the
 * embedded file: values under an encrypted prefix are encrypted on create and update and
 * decrypted on every read, list, delete and watch event, so nothing above this class
 * (watch cache, REST operations, clients) sees a difference and nothing below it holds
 * plaintext. Keys (namespace and name) stay readable, as they do in etcd.
 *
 * <p>
 * A value that cannot be decrypted is a 500 InternalError Status naming the key and the
 * reason (kube-apiserver answers the same), never ciphertext handed on as an object.
 * Threading: as safe as the store it wraps; the transformers are immutable.
 */
public final class EncryptingStore implements Store {

	private final Store delegate;

	private final StorageEncryption encryption;

	public EncryptingStore(Store delegate, StorageEncryption encryption) {
		this.delegate = delegate;
		this.encryption = encryption;
	}

	/** The store as it is, for backups that must hold ciphertext like etcd snapshots. */
	public Store raw() {
		return this.delegate;
	}

	@Override
	public long currentRevision() {
		return this.delegate.currentRevision();
	}

	@Override
	public long compactedRevision() {
		return this.delegate.compactedRevision();
	}

	@Override
	public KeyValue get(String key) {
		return decrypted(this.delegate.get(key));
	}

	@Override
	public ListPage list(String prefix, String startAfterKey, int limit) {
		ListPage page = this.delegate.list(prefix, startAfterKey, limit);
		if (!this.encryption.touches(prefix)) {
			return page;
		}
		List<KeyValue> items = new ArrayList<>(page.items().size());
		for (KeyValue item : page.items()) {
			items.add(decrypted(item));
		}
		return new ListPage(items, page.revision(), page.more());
	}

	@Override
	public long create(String key, byte[] value) {
		return this.delegate.create(key, encrypted(key, value));
	}

	@Override
	public long update(String key, byte[] value, long expectedModRevision) {
		return this.delegate.update(key, encrypted(key, value), expectedModRevision);
	}

	@Override
	public KeyValue delete(String key, long expectedModRevision) {
		return decrypted(this.delegate.delete(key, expectedModRevision));
	}

	@Override
	public Watch watch(String prefix, long afterRevision, Consumer<List<Event>> consumer) {
		if (!this.encryption.touches(prefix)) {
			return this.delegate.watch(prefix, afterRevision, consumer);
		}
		return this.delegate.watch(prefix, afterRevision, (events) -> {
			List<Event> plain = new ArrayList<>(events.size());
			for (Event event : events) {
				plain.add(new Event(event.type(), decrypted(event.kv()), event.prevModRevision()));
			}
			consumer.accept(plain);
		});
	}

	@Override
	public void compact(long revision) {
		this.delegate.compact(revision);
	}

	@Override
	public boolean isAvailable() {
		return this.delegate.isAvailable();
	}

	@Override
	public void close() {
		this.delegate.close();
	}

	private byte[] encrypted(String key, byte[] value) {
		ValueTransformer transformer = this.encryption.forKey(key);
		return transformer == null ? value : transformer.toStorage(key, value);
	}

	private KeyValue decrypted(KeyValue kv) {
		if (kv == null || kv.value() == null) {
			return kv;
		}
		ValueTransformer transformer = this.encryption.forKey(kv.key());
		if (transformer == null) {
			return kv;
		}
		try {
			return new KeyValue(kv.key(), transformer.fromStorage(kv.key(), kv.value()), kv.createRevision(),
					kv.modRevision());
		}
		catch (DecryptionException ex) {
			throw ApiException.internal("unable to transform key \"" + kv.key() + "\": " + ex.getMessage());
		}
	}

}
