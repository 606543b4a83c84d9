package io.stevedore.controller.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.util.FileSystemUtils;

/**
 * A {@link ControlPlane} with chosen controller settings for one test class, as
 * {@code @RegisterExtension static ControlPlaneExtension plane = new
 * ControlPlaneExtension("--stevedore.controllers.enabled=job")}: started before the first
 * test, stopped (store removed) after the last. {@link ControlPlaneTest} is the same with
 * every controller.
 */
public final class ControlPlaneExtension implements BeforeAllCallback, AfterAllCallback {

	private final String[] controllerArgs;

	private Path dataDir;

	private ControlPlane plane;

	private KubernetesClient client;

	public ControlPlaneExtension(String... controllerArgs) {
		this.controllerArgs = controllerArgs;
	}

	@Override
	public void beforeAll(ExtensionContext context) throws IOException {
		this.dataDir = Files.createTempDirectory("control-plane-");
		this.plane = ControlPlane.start(this.dataDir, this.controllerArgs);
		this.client = this.plane.client();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		this.client.close();
		this.plane.close();
		try {
			FileSystemUtils.deleteRecursively(this.dataDir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public KubernetesClient client() {
		return this.client;
	}

}
