package io.stevedore.apiserver.cache;

/**
 * One change in the cache's history window.
 *
 * @param object the state after the change; for a delete the last state, carrying the
 * delete's revision
 * @param previous the state before the change, {@code null} on create; lets a watch with
 * selectors tell "started matching" from "stopped matching", and a list at an older
 * revision undo later changes
 */
public record CachedEvent(long revision, Type type, CachedObject object, CachedObject previous) {

	public enum Type {

		ADDED, MODIFIED, DELETED

	}

	/**
	 * The state this key had before the change, or {@code null} when it did not exist.
	 */
	CachedObject stateBefore() {
		return this.previous;
	}

	/** The state this key has after the change, or {@code null} when it was deleted. */
	CachedObject stateAfter() {
		return this.type == Type.DELETED ? null : this.object;
	}

}
