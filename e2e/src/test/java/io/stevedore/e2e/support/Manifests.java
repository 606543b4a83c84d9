package io.stevedore.e2e.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The YAML manifests under {@code src/test/resources/manifests}, with their
 * {@code {{placeholders}}} filled in.
 */
public final class Manifests {

	private Manifests() {
	}

	/**
	 * The web application of {@code web.yaml} (namespace, configmap, secret, deployment,
	 * service) in {@code namespace}.
	 */
	public static String web(String namespace, int replicas) {
		return render("web.yaml", Map.of("namespace", namespace, "replicas", replicas));
	}

	/** {@code render("web.yaml", Map.of("namespace", ns, "replicas", 2))}. */
	public static String render(String name, Map<String, ?> values) {
		String text = read(name);
		for (Map.Entry<String, ?> value : values.entrySet()) {
			text = text.replace("{{" + value.getKey() + "}}", String.valueOf(value.getValue()));
		}
		if (text.contains("{{")) {
			throw new IllegalArgumentException(
					"manifests/" + name + " has a placeholder not given in " + values.keySet());
		}
		return text;
	}

	private static String read(String name) {
		try (InputStream in = Manifests.class.getResourceAsStream("/manifests/" + name)) {
			if (in == null) {
				throw new IllegalArgumentException("no manifest src/test/resources/manifests/" + name);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
