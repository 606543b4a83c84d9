package io.stevedore.e2e.support;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import io.stevedore.testsupport.kubectl.Kubeconfig;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * One apiserver on the embedded store per test class, and the real kubectl pointed at it
 * through a kubeconfig and a home directory of the class's own. Tests isolate themselves
 * by namespace ({@link #uniqueNamespace}), not by server.
 */
public abstract class KubectlE2ESupport {

	@TempDir
	protected static Path workDir;

	protected static ApiServer apiServer;

	protected static Kubectl kubectl;

	@BeforeAll
	static void startApiServerAndKubectl() {
		apiServer = ApiServer.embedded(workDir.resolve("data"));
		kubectl = Kubectl.forKubeconfig(Kubeconfig.write(workDir.resolve("kubeconfig"), apiServer.url()),
				workDir.resolve("home"));
	}

	@AfterAll
	static void stopApiServer() {
		if (apiServer != null) {
			apiServer.close();
			apiServer = null;
		}
	}

	/**
	 * A namespace name no other test uses, readable in failures:
	 * {@code e2e-<test>-<random>}.
	 */
	public static String uniqueNamespace(TestInfo test) {
		String method = test.getTestMethod().map((m) -> m.getName()).orElse("test");
		String readable = method.replaceAll("([a-z])([A-Z])", "$1-$2")
			.toLowerCase(Locale.ROOT)
			.replaceAll("[^a-z0-9-]", "-");
		if (readable.length() > 40) {
			readable = readable.substring(0, 40);
		}
		return "e2e-" + readable + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
	}

	/** Creates a fresh namespace for one test and returns its name. */
	protected static String createNamespace(TestInfo test) {
		String namespace = uniqueNamespace(test);
		applyNamespace(namespace);
		return namespace;
	}

	// The helpers below create through `kubectl apply -f -` (JSON on the wire) rather
	// than
	// `kubectl create namespace|configmap` (protobuf on the wire, see CreateE2E), so that
	// each test depends only on the behaviour it is about.

	/** Creates (or leaves) a namespace. */
	protected static void applyNamespace(String name) {
		okWithInput("""
				apiVersion: v1
				kind: Namespace
				metadata:
				  name: %s
				""".formatted(name), "apply", "-f", "-");
	}

	/** Creates (or updates) a ConfigMap with the given {@code key=value} data. */
	protected static void applyConfigMap(String namespace, String name, String... data) {
		StringBuilder yaml = new StringBuilder("""
				apiVersion: v1
				kind: ConfigMap
				metadata:
				  name: %s
				  namespace: %s
				data:
				""".formatted(name, namespace));
		for (String entry : data) {
			String[] keyValue = entry.split("=", 2);
			yaml.append("  ").append(keyValue[0]).append(": \"").append(keyValue[1]).append("\"\n");
		}
		if (data.length == 0) {
			yaml.append("  {}\n".substring(0, 0)).setLength(yaml.length() - "data:\n".length());
		}
		okWithInput(yaml.toString(), "apply", "-f", "-");
	}

	/**
	 * {@code kubectl args...}, which must succeed cleanly; returns its stripped stdout.
	 */
	protected static String ok(String... args) {
		return KubectlAssertions.cleanOutput(kubectl.run(args));
	}

	/**
	 * {@code kubectl args...} with {@code stdin}, which must succeed cleanly; returns its
	 * stripped stdout.
	 */
	protected static String okWithInput(String stdin, String... args) {
		return KubectlAssertions.cleanOutput(kubectl.runWithInput(stdin, args));
	}

	/**
	 * {@code kubectl args...}, which must fail; returns the result to assert on its
	 * stderr.
	 */
	protected static KubectlResult fails(String... args) {
		return kubectl.run(args).requireFailure();
	}

	protected static KubectlResult failsWithInput(String stdin, String... args) {
		return kubectl.runWithInput(stdin, args).requireFailure();
	}

}
