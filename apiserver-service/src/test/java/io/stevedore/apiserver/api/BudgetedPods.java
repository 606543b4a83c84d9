package io.stevedore.apiserver.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pods and PodDisruptionBudgets in one namespace over HTTP, for tests of pods/eviction.
 * No disruption controller runs in these tests: a budget's status is written here as the
 * controller would have.
 */
final class BudgetedPods {

	static final String MERGE = "application/merge-patch+json";

	static final String CANNOT_EVICT = "Cannot evict pod as it would violate the pod's disruption budget.";

	private final HttpApi api;

	private final String ns;

	BudgetedPods(HttpApi api, String ns) {
		this.api = api;
		this.ns = ns;
	}

	/**
	 * Three ready pods of {@code app} under a budget allowing one disruption, evicted at
	 * once, each through the next of {@code replicas}: exactly one eviction passes and
	 * its pod is gone, the others get 429 and leave their pods byte for byte as they
	 * were, and the budget records the one evicted.
	 */
	void raceForTheLastDisruption(String app, List<HttpApi> replicas, ExecutorService pool)
			throws InterruptedException, ExecutionException {
		List<String> pods = List.of(app + "-0", app + "-1", app + "-2");
		Map<String, String> before = new HashMap<>();
		for (String pod : pods) {
			runningPod(pod, app, true);
			before.put(pod, this.api.get(pods() + "/" + pod).body());
		}
		budget(app, app, 1, 3, 2);

		CyclicBarrier start = new CyclicBarrier(pods.size());
		List<CompletableFuture<HttpApi.Answer>> answers = new ArrayList<>();
		for (int i = 0; i < pods.size(); i++) {
			HttpApi replica = replicas.get(i % replicas.size());
			String pod = pods.get(i);
			answers.add(CompletableFuture.supplyAsync(() -> {
				await(start);
				return evict(replica, pod, "");
			}, pool));
		}
		List<String> evicted = new ArrayList<>();
		for (int i = 0; i < pods.size(); i++) {
			HttpApi.Answer answer = answers.get(i).get();
			if (answer.code() == 201) {
				evicted.add(pods.get(i));
				continue;
			}
			assertThat(answer.code()).as(answer.body()).isEqualTo(429);
			assertThat(answer.message()).isEqualTo(CANNOT_EVICT);
			assertThat(answer.json().at("/details/causes/0/message").asText())
				.isEqualTo("The disruption budget " + app + " needs 2 healthy pods and has 3 currently");
		}
		assertThat(evicted).as("evictions granted").hasSize(1);
		for (String pod : pods) {
			HttpApi.Answer now = this.api.get(pods() + "/" + pod);
			if (evicted.contains(pod)) {
				assertThat(now.code()).isEqualTo(404);
			}
			else {
				assertThat(now.body()).as("a refused eviction leaves its pod as it was").isEqualTo(before.get(pod));
			}
		}
		JsonNode status = this.api.get(budgets() + "/" + app).json().path("status");
		assertThat(status.path("disruptionsAllowed").asInt()).isZero();
		assertThat(status.path("disruptedPods").size()).isEqualTo(1);
		assertThat(status.path("disruptedPods").has(evicted.get(0))).isTrue();
		assertThat(status.at("/conditions/0/reason").asText()).isEqualTo("InsufficientPods");
	}

	HttpApi.Answer evict(HttpApi replica, String pod, String query) {
		return replica.post(pods() + "/" + pod + "/eviction" + query, eviction(pod, "{}"));
	}

	static String eviction(String pod, String deleteOptions) {
		return "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + pod
				+ "\"},\"deleteOptions\":" + deleteOptions + "}";
	}

	void runningPod(String name, String app, boolean ready) {
		HttpApi.Answer created = this.api.post(pods(), pod(name, app, List.of()));
		assertThat(created.code()).as(created.body()).isEqualTo(201);
		running(name, ready);
	}

	void running(String name, boolean ready) {
		HttpApi.Answer status = this.api.patch(pods() + "/" + name + "/status", MERGE,
				"{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\""
						+ (ready ? "True" : "False") + "\"}]}}");
		assertThat(status.code()).as(status.body()).isEqualTo(200);
	}

	static String pod(String name, String app, List<String> finalizers) {
		StringBuilder json = new StringBuilder("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"")
			.append(name)
			.append("\",\"labels\":{\"app\":\"")
			.append(app)
			.append("\"}");
		if (!finalizers.isEmpty()) {
			json.append(",\"finalizers\":[\"").append(String.join("\",\"", finalizers)).append("\"]");
		}
		return json.append("},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"busybox:1\"}]}}").toString();
	}

	/**
	 * A budget over the pods labelled {@code app}, its status as the controller wrote it.
	 */
	void budget(String name, String app, int allowed, int currentHealthy, int desiredHealthy) {
		HttpApi.Answer created = this.api.post(budgets(),
				"{\"apiVersion\":\"policy/v1\",\"kind\":\"PodDisruptionBudget\",\"metadata\":{\"name\":\"" + name
						+ "\"},\"spec\":{\"maxUnavailable\":1,\"selector\":{\"matchLabels\":{\"app\":\"" + app
						+ "\"}}}}");
		assertThat(created.code()).as(created.body()).isEqualTo(201);
		long generation = created.json().at("/metadata/generation").asLong();
		HttpApi.Answer status = this.api.patch(budgets() + "/" + name + "/status", MERGE,
				"{\"status\":{\"observedGeneration\":" + generation + ",\"disruptionsAllowed\":" + allowed
						+ ",\"currentHealthy\":" + currentHealthy + ",\"desiredHealthy\":" + desiredHealthy
						+ ",\"expectedPods\":" + currentHealthy + "}}");
		assertThat(status.code()).as(status.body()).isEqualTo(200);
	}

	String pods() {
		return "/api/v1/namespaces/" + this.ns + "/pods";
	}

	String budgets() {
		return "/apis/policy/v1/namespaces/" + this.ns + "/poddisruptionbudgets";
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
