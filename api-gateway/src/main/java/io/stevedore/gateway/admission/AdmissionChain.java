package io.stevedore.gateway.admission;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The plugins in {@link AdmissionOrder}, run phase by phase. The first refusal ends a
 * phase. Immutable; safe for concurrent use.
 */
public final class AdmissionChain {

	private static final String ALL = "*";

	private final List<AdmissionPlugin> plugins;

	/**
	 * @param plugins already in order (Spring's ordered stream of the plugin beans)
	 */
	public AdmissionChain(List<AdmissionPlugin> plugins) {
		this.plugins = List.copyOf(plugins);
	}

	public List<AdmissionPlugin> plugins() {
		return this.plugins;
	}

	/** Every plugin's mutating phase, in order; each sees the previous ones' changes. */
	public void admit(AdmissionAttributes attributes) {
		String key = attributes.resourceKey();
		for (AdmissionPlugin plugin : this.plugins) {
			if (handles(plugin, key)) {
				plugin.admit(attributes);
			}
		}
	}

	/** Every plugin's validating phase, in order. */
	public void validate(AdmissionAttributes attributes) {
		String key = attributes.resourceKey();
		for (AdmissionPlugin plugin : this.plugins) {
			if (handles(plugin, key)) {
				plugin.validate(attributes);
			}
		}
	}

	/** The union of the plugins' resources: what the apiserver needs to send. */
	public Set<String> resources() {
		Set<String> all = new LinkedHashSet<>();
		this.plugins.forEach((plugin) -> all.addAll(plugin.resources()));
		return all.contains(ALL) ? Set.of(ALL) : all;
	}

	private static boolean handles(AdmissionPlugin plugin, String key) {
		Set<String> resources = plugin.resources();
		return resources.contains(key) || resources.contains(ALL);
	}

}
