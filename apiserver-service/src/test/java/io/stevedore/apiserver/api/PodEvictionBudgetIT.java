package io.stevedore.apiserver.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pods/eviction} over real HTTP against the real apiserver and store: the budget
 * is consumed by a compare-and-swap of the PodDisruptionBudget's status before the pod is
 * touched, so evictions racing for its last disruption let exactly one through, and every
 * refusal leaves the pods and the budget byte for byte as they were.
 *
 * <p>
 * No disruption controller runs here: each test writes the budget's status itself, as the
 * controller would have.
 */
class PodEvictionBudgetIT extends EmbeddedApiServer {

	private static final String MERGE = "application/merge-patch+json";

	private static final String CANNOT_EVICT = "Cannot evict pod as it would violate the pod's disruption budget.";

	private final ExecutorService pool = Executors.newFixedThreadPool(6);

	HttpApi api;

	String ns;

	@BeforeEach
	void namespace() {
		this.api = api();
		this.ns = newNamespace(this.api);
	}

	@AfterEach
	void stop() {
		this.pool.shutdownNow();
	}

	@Test
	void evictionsRacingForTheLastDisruptionLetExactlyOneThrough() throws Exception {
		// Several rounds: one race could be won by the first request before the
		// others start.
		for (int round = 0; round < 4; round++) {
			String app = "web" + round;
			List<String> pods = List.of(app + "-0", app + "-1", app + "-2");
			for (String pod : pods) {
				runningPod(pod, app, true);
			}
			budget(app, app, 1, 3, 2);
			Map<String, String> before = bodies(pods);

			CyclicBarrier start = new CyclicBarrier(pods.size());
			List<CompletableFuture<HttpApi.Answer>> answers = new ArrayList<>();
			for (String pod : pods) {
				answers.add(CompletableFuture.supplyAsync(() -> {
					await(start);
					return evict(pod, "");
				}, this.pool));
			}
			List<String> evicted = new ArrayList<>();
			int refused = 0;
			for (int i = 0; i < pods.size(); i++) {
				HttpApi.Answer answer = answers.get(i).get();
				if (answer.code() == 201) {
					evicted.add(pods.get(i));
				}
				else {
					assertThat(answer.code()).as(answer.body()).isEqualTo(429);
					assertThat(answer.message()).isEqualTo(CANNOT_EVICT);
					assertThat(answer.json().at("/details/causes/0/message").asText())
						.isEqualTo("The disruption budget " + app + " needs 2 healthy pods and has 3 currently");
					refused++;
				}
			}
			assertThat(evicted).as("round " + round).hasSize(1);
			assertThat(refused).isEqualTo(2);
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
			assertThat(status.path("disruptedPods").has(evicted.get(0))).isTrue();
			assertThat(status.path("disruptedPods").size()).isEqualTo(1);
			assertThat(status.at("/conditions/0/reason").asText()).isEqualTo("InsufficientPods");
		}
	}

	@Test
	void aPodSelectedByTwoBudgetsIsNotEvictedAndNothingChanges() {
		runningPod("web-0", "web", true);
		budget("a", "web", 1, 1, 0);
		budget("b", "web", 1, 1, 0);
		Map<String, String> before = everything("web-0", "a", "b");

		HttpApi.Answer answer = evict("web-0", "");
		assertThat(answer.code()).as(answer.body()).isEqualTo(500);
		assertThat(answer.message()).isEqualTo(
				"This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
		assertThat(everything("web-0", "a", "b")).isEqualTo(before);
	}

	@Test
	void aDryRunJudgesButWritesNothing() {
		runningPod("web-0", "web", true);
		budget("web", "web", 1, 1, 0);
		Map<String, String> before = everything("web-0", "web");

		HttpApi.Answer granted = evict("web-0", "?dryRun=All");
		assertThat(granted.code()).as(granted.body()).isEqualTo(201);
		assertThat(everything("web-0", "web")).isEqualTo(before);

		budget("used", "db", 0, 1, 1);
		runningPod("db-0", "db", true);
		Map<String, String> usedBefore = everything("db-0", "used");
		HttpApi.Answer refused = evict("db-0", "?dryRun=All");
		assertThat(refused.code()).isEqualTo(429);
		assertThat(everything("db-0", "used")).isEqualTo(usedBefore);
	}

	@Test
	void aBudgetWhoseStatusLagsItsSpecAsksToComeBackLater() {
		runningPod("web-0", "web", true);
		budget("web", "web", 1, 1, 0);
		// A spec change the disruption controller has not seen yet.
		assertThat(this.api.patch(budgets() + "/web", MERGE, "{\"spec\":{\"maxUnavailable\":2}}").code())
			.isEqualTo(200);
		Map<String, String> before = everything("web-0", "web");

		HttpApi.Answer answer = evict("web-0", "");
		assertThat(answer.code()).as(answer.body()).isEqualTo(429);
		assertThat(answer.json().at("/details/causes/0/reason").asText()).isEqualTo("DisruptionBudget");
		assertThat(answer.json().at("/details/causes/0/message").asText())
			.isEqualTo("The disruption budget web is still being processed by the server.");
		assertThat(answer.raw().headers().firstValue("Retry-After")).hasValue("10");
		assertThat(everything("web-0", "web")).isEqualTo(before);
	}

	@Test
	void anUnreadyPodGoesWithoutConsumingABudgetWhoseApplicationIsWhole() {
		runningPod("web-0", "web", false);
		runningPod("web-1", "web", true);
		runningPod("web-2", "web", true);
		budget("web", "web", 0, 2, 2);
		String budgetBefore = this.api.get(budgets() + "/web").body();

		HttpApi.Answer answer = evict("web-0", "");
		assertThat(answer.code()).as(answer.body()).isEqualTo(201);
		assertThat(this.api.get(pods() + "/web-0").code()).isEqualTo(404);
		assertThat(this.api.get(budgets() + "/web").body()).isEqualTo(budgetBefore);

		// Once the application is short of healthy pods, an unready one consumes the
		// budget like any other, and this one is used up.
		budget("db", "db", 0, 1, 2);
		runningPod("db-0", "db", false);
		Map<String, String> before = everything("db-0", "db");
		assertThat(evict("db-0", "").code()).isEqualTo(429);
		assertThat(everything("db-0", "db")).isEqualTo(before);
	}

	@Test
	void terminalAndPendingPodsSkipAUsedUpBudget() {
		budget("web", "web", 0, 3, 3);
		runningPod("web-0", "web", true);
		assertThat(this.api.patch(pods() + "/web-0/status", MERGE, "{\"status\":{\"phase\":\"Succeeded\"}}").code())
			.isEqualTo(200);
		assertThat(this.api.post(pods(), pod("web-1", "web", List.of())).code()).isEqualTo(201);
		String budgetBefore = this.api.get(budgets() + "/web").body();

		assertThat(evict("web-0", "").code()).isEqualTo(201);
		assertThat(evict("web-1", "").code()).isEqualTo(201);
		assertThat(this.api.get(pods() + "/web-0").code()).isEqualTo(404);
		assertThat(this.api.get(pods() + "/web-1").code()).isEqualTo(404);
		assertThat(this.api.get(budgets() + "/web").body()).isEqualTo(budgetBefore);
	}

	@Test
	void anEvictedPodIsMarkedDisruptionTargetBeforeItIsDeletedBudgetOrNot() {
		// A finalizer keeps the deleted pod visible.
		assertThat(this.api.post(pods(), pod("web-0", "web", List.of("example.com/hold"))).code()).isEqualTo(201);
		running("web-0", true);

		assertThat(evict("web-0", "").code()).isEqualTo(201);
		JsonNode pod = this.api.get(pods() + "/web-0").json();
		assertThat(pod.at("/metadata/deletionTimestamp").isMissingNode()).isFalse();
		JsonNode condition = null;
		for (JsonNode c : pod.at("/status/conditions")) {
			if (c.path("type").asText().equals("DisruptionTarget")) {
				condition = c;
			}
		}
		assertThat(condition).as(pod.toString()).isNotNull();
		assertThat(condition.path("status").asText()).isEqualTo("True");
		assertThat(condition.path("reason").asText()).isEqualTo("EvictionByEvictionAPI");
		assertThat(condition.path("message").asText()).isEqualTo("Eviction API: evicting");
		this.api.patch(pods() + "/web-0", MERGE, "{\"metadata\":{\"finalizers\":null}}");
	}

	@Test
	void thePreconditionsOfTheEvictionsDeleteOptionsAreHonoured() {
		runningPod("web-0", "web", true);
		String before = this.api.get(pods() + "/web-0").body();
		JsonNode pod = this.api.get(pods() + "/web-0").json();

		HttpApi.Answer otherName = this.api.post(pods() + "/web-0/eviction", eviction("web-1", "{}"));
		assertThat(otherName.code()).isEqualTo(400);
		assertThat(otherName.message()).isEqualTo("name in URL does not match name in Eviction object");
		HttpApi.Answer wrongUid = this.api.post(pods() + "/web-0/eviction",
				eviction("web-0", "{\"preconditions\":{\"uid\":\"not-the-uid\"}}"));
		assertThat(wrongUid.code()).as(wrongUid.body()).isEqualTo(409);
		HttpApi.Answer staleVersion = this.api.post(pods() + "/web-0/eviction",
				eviction("web-0", "{\"preconditions\":{\"resourceVersion\":\"1\"}}"));
		assertThat(staleVersion.code()).as(staleVersion.body()).isEqualTo(409);
		assertThat(this.api.get(pods() + "/web-0").body()).isEqualTo(before);

		HttpApi.Answer matching = this.api.post(pods() + "/web-0/eviction",
				eviction("web-0", "{\"preconditions\":{\"uid\":\"" + pod.at("/metadata/uid").asText()
						+ "\",\"resourceVersion\":\"" + pod.at("/metadata/resourceVersion").asText() + "\"}}"));
		assertThat(matching.code()).as(matching.body()).isEqualTo(201);
		assertThat(this.api.get(pods() + "/web-0").code()).isEqualTo(404);
	}

	private HttpApi.Answer evict(String pod, String query) {
		return this.api.post(pods() + "/" + pod + "/eviction" + query, eviction(pod, "{}"));
	}

	private static String eviction(String pod, String deleteOptions) {
		return "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + pod
				+ "\"},\"deleteOptions\":" + deleteOptions + "}";
	}

	private void runningPod(String name, String app, boolean ready) {
		HttpApi.Answer created = this.api.post(pods(), pod(name, app, List.of()));
		assertThat(created.code()).as(created.body()).isEqualTo(201);
		running(name, ready);
	}

	private void running(String name, boolean ready) {
		HttpApi.Answer status = this.api.patch(pods() + "/" + name + "/status", MERGE,
				"{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\""
						+ (ready ? "True" : "False") + "\"}]}}");
		assertThat(status.code()).as(status.body()).isEqualTo(200);
	}

	private static String pod(String name, String app, List<String> finalizers) {
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
	private void budget(String name, String app, int allowed, int currentHealthy, int desiredHealthy) {
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

	/** The pod's and the budgets' bodies as served, resourceVersion included. */
	private Map<String, String> everything(String pod, String... budgets) {
		Map<String, String> bodies = new java.util.TreeMap<>();
		bodies.put("pod " + pod, this.api.get(pods() + "/" + pod).body());
		for (String budget : budgets) {
			bodies.put("budget " + budget, this.api.get(budgets() + "/" + budget).body());
		}
		return bodies;
	}

	private Map<String, String> bodies(List<String> pods) {
		Map<String, String> bodies = new java.util.HashMap<>();
		for (String pod : pods) {
			bodies.put(pod, this.api.get(pods() + "/" + pod).body());
		}
		return bodies;
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private String pods() {
		return "/api/v1/namespaces/" + this.ns + "/pods";
	}

	private String budgets() {
		return "/apis/policy/v1/namespaces/" + this.ns + "/poddisruptionbudgets";
	}

}
