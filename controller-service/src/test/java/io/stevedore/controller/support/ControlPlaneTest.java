package io.stevedore.controller.support;

import java.nio.file.Path;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
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

	/** A fresh namespace, so tests of one class do not see each other's objects. */
	/** The namespace's events as {@code "<component> <reason>: <message>"}. */
	protected static java.util.List<String> eventsIn(String namespace) {
		return client.v1()
			.events()
			.inNamespace(namespace)
			.list()
			.getItems()
			.stream()
			.map(e -> e.getSource().getComponent() + " " + e.getReason() + ": " + e.getMessage())
			.toList();
	}

	protected static String createNamespace() {
		String ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
		client.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
			.create();
		return ns;
	}

}
