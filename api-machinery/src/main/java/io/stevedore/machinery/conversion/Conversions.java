package io.stevedore.machinery.conversion;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;

/**
 * The resources served in more than one version, by served group/version/resource. A
 * resource not found here is stored in the version it is served in.
 */
public final class Conversions {

	private static final Conversions STANDARD = new Conversions(
			List.of(new HorizontalPodAutoscalerV1Conversion(ResourceRegistry.standard()),
					new EventsV1Conversion(ResourceRegistry.standard())));

	private final Map<String, VersionConverter> byServed = new LinkedHashMap<>();

	public Conversions(List<VersionConverter> converters) {
		for (VersionConverter converter : converters) {
			ResourceType served = converter.served();
			this.byServed.put(key(served.group(), served.version(), served.plural()), converter);
		}
	}

	/** The conversions of the built-in resources. */
	public static Conversions standard() {
		return STANDARD;
	}

	public Optional<VersionConverter> find(String group, String version, String plural) {
		return Optional.ofNullable(this.byServed.get(key(group, version, plural)));
	}

	public Optional<VersionConverter> find(ResourceType served) {
		return find(served.group(), served.version(), served.plural());
	}

	/** Whether objects of this resource are stored as another version. */
	public boolean isConverted(ResourceType type) {
		return find(type).isPresent();
	}

	private static String key(String group, String version, String plural) {
		return group + "/" + version + "/" + plural;
	}

}
