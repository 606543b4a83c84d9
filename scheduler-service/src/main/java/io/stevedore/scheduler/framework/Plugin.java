package io.stevedore.scheduler.framework;

/**
 * A scheduling plugin: one class per feature implementing the extension points it needs
 * ({@link FilterPlugin}, {@link ScorePlugin}, ...). The framework finds them by type.
 */
public interface Plugin {

	String name();

	/**
	 * Releases what the plugin opened for itself (an informer it started lazily), when
	 * the scheduler stops; the plugin may be used again after, and reopens what it needs.
	 */
	default void close() {
	}

}
