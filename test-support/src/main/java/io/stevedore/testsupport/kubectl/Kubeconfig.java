package io.stevedore.testsupport.kubectl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a kubeconfig with one cluster, the same names {@code ./stevedore up} uses:
 * cluster {@code stevedore}, user {@code admin}, context {@code stevedore} (current).
 */
public final class Kubeconfig {

	public static final String CONTEXT = "stevedore";

	private Kubeconfig() {
	}

	/**
	 * Writes {@code file} for an API server at {@code serverUrl} (e.g.
	 * {@code http://127.0.0.1:40123}) and returns it.
	 */
	public static Path write(Path file, String serverUrl) {
		String yaml = """
				apiVersion: v1
				kind: Config
				clusters:
				- name: %1$s
				  cluster:
				    server: %2$s
				users:
				- name: admin
				  user: {}
				contexts:
				- name: %1$s
				  context:
				    cluster: %1$s
				    user: admin
				current-context: %1$s
				preferences: {}
				""".formatted(CONTEXT, serverUrl);
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			return Files.writeString(file, yaml);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write kubeconfig " + file, ex);
		}
	}

}
