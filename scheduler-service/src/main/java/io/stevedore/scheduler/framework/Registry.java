package io.stevedore.scheduler.framework;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Plugin name to factory: a plain map, as Kubernetes' {@code runtime.Registry}. Which
 * plugins run, and with what weight, is the profile's business.
 */
public final class Registry {

	private final Map<String, PluginFactory> factories = new LinkedHashMap<>();

	public Registry register(String name, PluginFactory factory) {
		if (this.factories.putIfAbsent(name, factory) != null) {
			throw new IllegalArgumentException("a plugin named " + name + " already exists");
		}
		return this;
	}

	public PluginFactory factory(String name) {
		PluginFactory factory = this.factories.get(name);
		if (factory == null) {
			throw new IllegalArgumentException(
					"plugin \"" + name + "\" does not exist; known plugins: " + this.factories.keySet());
		}
		return factory;
	}

	public Set<String> names() {
		return this.factories.keySet();
	}

}
