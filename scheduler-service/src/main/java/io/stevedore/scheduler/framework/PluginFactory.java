package io.stevedore.scheduler.framework;

/** Builds a plugin for one profile. */
@FunctionalInterface
public interface PluginFactory {

	Plugin create(Handle handle);

}
