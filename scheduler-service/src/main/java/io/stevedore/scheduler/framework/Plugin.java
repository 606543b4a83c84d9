package io.stevedore.scheduler.framework;

/**
 * A scheduling plugin: one class per feature implementing the extension points it needs
 * ({@link FilterPlugin}, {@link ScorePlugin}, ...). The framework finds them by type.
 */
public interface Plugin {

	String name();

}
