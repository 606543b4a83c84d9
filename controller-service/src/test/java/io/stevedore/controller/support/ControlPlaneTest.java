package io.stevedore.controller.support;

import java.nio.file.Path;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real apiserver with every controller, started once per test class, and a client for
 * it. Integration tests that need other controller settings start their own ControlPlane.
 */
public abstract class ControlPlaneTest {

	@TempDir
	protected static Path dataDir;

	protected static ControlPlane plane;

	protected static KubernetesClient client;

	@BeforeAll
	static void startControlPlane() {
		plane = ControlPlane.start(dataDir);
		client = plane.client();
	}

	@AfterAll
	static void stopControlPlane() {
		client.close();
		plane.close();
	}

}
