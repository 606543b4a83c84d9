package io.stevedore.storage;

/**
 * One entry of the change log. For a {@link Type#DELETE} the {@code kv} holds the value
 * before the delete and the delete's revision as its modRevision.
 *
 * @param prevModRevision the modRevision of the key before this change (0 on create)
 */
public record Event(Type type, KeyValue kv, long prevModRevision) {

	public long revision() {
		return this.kv.modRevision();
	}

	public enum Type {

		CREATE, UPDATE, DELETE

	}

}
