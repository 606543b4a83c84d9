package io.stevedore.apiserver.api;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.apiserver.ApiServerApplication;
import io.stevedore.apiserver.cache.WatchCache;
import io.stevedore.testsupport.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two apiserver replicas sharing one real redis-server: a write through one is seen in
 * order by a watch on the other, evictions through both racing for a budget's last
 * disruption let one through, and a Redis outage gives 503 quickly, then heals by itself.
 */
class RedisApiServerIT {

	private static RedisServerProcess redis;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	@BeforeAll
	static void start() {
		redis = RedisServerProcess.launch();
		first = replica();
		second = replica();
	}

	@AfterAll
	static void stop() {
		for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { first, second }) {
			if (context != null) {
				context.close();
			}
		}
		if (redis != null) {
			redis.close();
		}
	}

	private static ConfigurableApplicationContext replica() {
		// Arguments, not default properties: application.yml's ${STEVEDORE_STORAGE_URL:}
		// outranks defaults.
		return new SpringApplicationBuilder(ApiServerApplication.class).run("--server.port=0",
				"--stevedore.storage.url=" + redis.url(), "--stevedore.apiserver.consistent-read-timeout=2s");
	}

	private static HttpApi api(ConfigurableApplicationContext context) {
		return new HttpApi(Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port")));
	}

	private static String listRevision(HttpApi api, String path) {
		return api.get(path).json().path("metadata").path("resourceVersion").asText();
	}

	private static String configMap(String name) {
		return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"}}";
	}

	@Test
	void aWatchOnOneReplicaSeesEveryWriteThroughTheOtherInOrder() throws Exception {
		HttpApi a = api(first);
		HttpApi b = api(second);
		String rv = listRevision(b, "/api/v1/namespaces/default/configmaps");
		HttpRequest request = HttpRequest
			.newBuilder(b
				.uri("/api/v1/namespaces/default/configmaps?watch=true" + "&timeoutSeconds=20&resourceVersion=" + rv))
			.build();
		CompletableFuture<HttpResponse<InputStream>> watch = b.client()
			.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
		List<Long> written = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			HttpApi.Answer created = a.post("/api/v1/namespaces/default/configmaps", configMap("replica-" + i));
			assertThat(created.code()).as(created.body()).isEqualTo(201);
			written.add(created.json().path("metadata").path("resourceVersion").asLong());
		}
		List<Long> seen = new ArrayList<>();
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(watch.get(10, TimeUnit.SECONDS).body(), StandardCharsets.UTF_8))) {
			while (seen.size() < written.size()) {
				JsonNode event = HttpApi.JSON.readTree(lines.readLine());
				assertThat(event.path("type").asText()).isEqualTo("ADDED");
				seen.add(event.path("object").path("metadata").path("resourceVersion").asLong());
			}
		}
		assertThat(seen).isEqualTo(written);
		assertThat(b.get("/api/v1/namespaces/default/configmaps/replica-49").code()).isEqualTo(200);
	}

	/**
	 * An update starts from the replica's watch cache copy (as Kubernetes' cacher hands
	 * its copy to GuaranteedUpdate). Here the second replica's cache is held still while
	 * the first writes, so its copy is stale for sure: a stale copy must not refuse a
	 * current resourceVersion, a PUT of what the stale copy holds still writes, and a
	 * stale precondition is still refused.
	 */
	@Test
	void anUpdateIsJudgedOnTheStoresStateWhenTheCachedCopyIsStale() throws Exception {
		HttpApi a = api(first);
		HttpApi b = api(second);
		String path = "/api/v1/namespaces/default/configmaps/stale-copy";
		long r1 = revisionOf(a.post("/api/v1/namespaces/default/configmaps", configMapWithValue("one", null)), 201);
		// A read at r1 on the second replica waits until its cache holds r1.
		assertThat(b.get(path + "?resourceVersion=" + r1).code()).isEqualTo(200);
		ReentrantLock ingest = cacheLock(second);
		ingest.lock();
		try {
			long r2 = revisionOf(a.put(path, configMapWithValue("two", r1)), 200);
			assertThat(
					second.getBean(WatchCache.class).get("/registry/core/configmaps/default/stale-copy").modRevision())
				.as("the second replica's copy is stale")
				.isEqualTo(r1);

			long r3 = revisionOf(b.put(path, configMapWithValue("three", r2)), 200);
			assertThat(r3).isGreaterThan(r2);
			// "one" is what the stale copy holds; the store has "three".
			HttpApi.Answer back = b.put(path, configMapWithValue("one", null));
			long r4 = revisionOf(back, 200);
			assertThat(r4).isGreaterThan(r3);
			assertThat(back.json().path("data").path("v").asText()).isEqualTo("one");
			assertThat(b.put(path, configMapWithValue("five", r1)).code()).isEqualTo(409);
		}
		finally {
			ingest.unlock();
		}
		HttpApi.Answer latest = a.get(path);
		assertThat(latest.json().path("data").path("v").asText()).isEqualTo("one");
	}

	private static long revisionOf(HttpApi.Answer answer, int expectedCode) {
		assertThat(answer.code()).as(answer.body()).isEqualTo(expectedCode);
		return answer.json().path("metadata").path("resourceVersion").asLong();
	}

	private static String configMapWithValue(String value, Long resourceVersion) {
		String precondition = (resourceVersion == null) ? "" : ",\"resourceVersion\":\"" + resourceVersion + "\"";
		return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"stale-copy\"" + precondition
				+ "},\"data\":{\"v\":\"" + value + "\"}}";
	}

	/**
	 * The lock the watch cache applies the change log under: held by the test, the
	 * replica's cache stays where it is (no test hook in the cache for this).
	 */
	private static ReentrantLock cacheLock(ConfigurableApplicationContext replica) throws Exception {
		Field field = WatchCache.class.getDeclaredField("lock");
		field.setAccessible(true);
		return (ReentrantLock) field.get(replica.getBean(WatchCache.class));
	}

	@Test
	void anEventsV1EventWrittenOnOneReplicaIsTheCoreEventOfTheOtherAndWatchedAsEventsV1() {
		HttpApi a = api(first);
		HttpApi b = api(second);
		String rv = listRevision(b, "/apis/events.k8s.io/v1/namespaces/default/events");
		HttpApi.Answer created = a.post("/apis/events.k8s.io/v1/namespaces/default/events", """
				{"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"redis-ev"},
				 "regarding":{"apiVersion":"v1","kind":"Pod","name":"web","namespace":"default"},
				 "eventTime":"2026-12-05T10:00:00.000000Z","reportingController":"example.com/ctl",
				 "reportingInstance":"ctl-1","action":"Scale","reason":"Scaled","type":"Normal","note":"via redis"}""");
		assertThat(created.code()).as(created.body()).isEqualTo(201);

		JsonNode core = b.get("/api/v1/namespaces/default/events/redis-ev").json();
		assertThat(core.path("message").asText()).isEqualTo("via redis");
		assertThat(core.path("involvedObject").path("name").asText()).isEqualTo("web");
		assertThat(core.path("metadata").path("resourceVersion").asText())
			.isEqualTo(created.json().path("metadata").path("resourceVersion").asText());
		HttpApi.Answer watch = b.get("/apis/events.k8s.io/v1/namespaces/default/events?watch=true&timeoutSeconds=1"
				+ "&resourceVersion=" + rv);
		assertThat(watch.body()).contains("\"type\":\"ADDED\"")
			.contains("\"apiVersion\":\"events.k8s.io/v1\"")
			.contains("\"note\":\"via redis\"");
	}

	@Test
	void evictionsThroughBothReplicasRacingForTheLastDisruptionLetExactlyOneThrough() throws Exception {
		// The budget's compare-and-swap is the store's: two replicas' caches cannot
		// both grant the last disruption.
		HttpApi one = api(first);
		ExecutorService pool = Executors.newFixedThreadPool(3);
		try {
			BudgetedPods fixture = new BudgetedPods(one, EmbeddedApiServer.newNamespace(one));
			for (int round = 0; round < 4; round++) {
				fixture.raceForTheLastDisruption("web" + round, List.of(one, api(second)), pool);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void aRedisOutageIsServiceUnavailableAndTheApiserverRecoversByItself() {
		HttpApi a = api(first);
		assertThat(a.post("/api/v1/namespaces/default/configmaps", configMap("before-outage")).code()).isEqualTo(201);
		redis.stop();
		try {
			long start = System.nanoTime();
			HttpApi.Answer down = a.post("/api/v1/namespaces/default/configmaps", configMap("during-outage"));
			assertThat(down.code()).as(down.body()).isEqualTo(503);
			assertThat(down.json().path("reason").asText()).isEqualTo("ServiceUnavailable");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
			assertThat(a.get("/api/v1/namespaces/default/configmaps/before-outage").code()).isEqualTo(503);
		}
		finally {
			redis.start();
		}
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(
					() -> assertThat(a.post("/api/v1/namespaces/default/configmaps", configMap("after-outage")).code())
						.isEqualTo(201));
		assertThat(a.get("/api/v1/namespaces/default/configmaps/before-outage").code()).isEqualTo(200);
		assertThat(a.get("/api/v1/namespaces/default/configmaps/during-outage").code()).isEqualTo(404);
		assertThat(a.get("/api/v1/namespaces/default/configmaps?resourceVersion=0").code()).isEqualTo(200);
	}

}
