package io.stevedore.e2e.redis;

import java.nio.file.Path;
import java.time.Duration;

import io.stevedore.e2e.support.ApiServer;
import io.stevedore.e2e.support.KubectlAssertions;
import io.stevedore.e2e.support.Manifests;
import io.stevedore.testsupport.kubectl.Kubeconfig;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlProcess;
import io.stevedore.testsupport.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.stevedore.e2e.support.KubectlAssertions.assertNoErrorOrWarning;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kubectl round trip with the apiserver on a real redis-server instead of the
 * embedded store: the configuration of a multi-replica control plane.
 */
class RedisStoreE2E {

	@TempDir
	static Path workDir;

	static RedisServerProcess redis;

	static ApiServer apiServer;

	static Kubectl kubectl;

	@BeforeAll
	static void startRedisAndApiServer() {
		redis = RedisServerProcess.launch();
		apiServer = ApiServer.redis(redis.url(), workDir.resolve("data"));
		kubectl = Kubectl.forKubeconfig(Kubeconfig.write(workDir.resolve("kubeconfig"), apiServer.url()),
				workDir.resolve("home"));
	}

	@AfterAll
	static void stop() {
		if (apiServer != null) {
			apiServer.close();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void applyGetWatchAndDeleteWorkOnRedis() {
		String ns = "e2e-redis-roundtrip";
		assertThat(ok(kubectl.runWithInput(Manifests.web(ns, 2), "apply", "-f", "-")))
			.contains("deployment.apps/web created");
		assertThat(ok(kubectl.runWithInput(Manifests.web(ns, 2), "apply", "-f", "-")))
			.contains("deployment.apps/web unchanged");

		try (KubectlProcess watch = kubectl.start("get", "configmaps", "-n", ns, "-w", "--output-watch-events")) {
			watch.awaitStdout((out) -> out.matches("(?s).*ADDED\\s+web-config.*"), Duration.ofSeconds(30));
			ok(kubectl.run("delete", "configmap", "web-config", "-n", ns));
			watch.awaitStdout((out) -> out.matches("(?s).*DELETED\\s+web-config.*"), Duration.ofSeconds(30));
			assertNoErrorOrWarning(watch.stop());
		}
		assertThat(ok(kubectl.run("get", "deploy,svc,secrets", "-n", ns, "-o", "name")).lines())
			.containsExactlyInAnyOrder("deployment.apps/web", "service/web", "secret/web-secret");
	}

	@Test
	void objectsOutliveTheApiServerBecauseTheyLiveInRedis() {
		String ns = "e2e-redis-restart";
		ok(kubectl.runWithInput(Manifests.web(ns, 3), "apply", "-f", "-"));
		String uid = ok(kubectl.run("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.metadata.uid}"));
		assertThat(redis.call("DBSIZE")).as("keys in Redis (a RESP integer)").matches(":[1-9]\\d*\r\n");

		apiServer.close();
		// A fresh embedded directory: had the state gone there instead of Redis, it is
		// lost now.
		apiServer = ApiServer.redis(redis.url(), workDir.resolve("data-after-restart"));
		kubectl = Kubectl.forKubeconfig(Kubeconfig.write(workDir.resolve("kubeconfig"), apiServer.url()),
				workDir.resolve("home"));

		assertThat(ok(
				kubectl.run("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.metadata.uid} {.spec.replicas}")))
			.isEqualTo(uid + " 3");
	}

	private static String ok(io.stevedore.testsupport.kubectl.KubectlResult result) {
		return KubectlAssertions.cleanOutput(result);
	}

}
