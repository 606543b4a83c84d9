package io.stevedore.apiserver.api;

import java.util.List;
import java.util.Map;
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

	private final ExecutorService pool = Executors.newFixedThreadPool(6);

	HttpApi api;

	BudgetedPods fixture;

	@BeforeEach
	void namespace() {
		this.api = api();
		this.fixture = new BudgetedPods(this.api, newNamespace(this.api));
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
			this.fixture.raceForTheLastDisruption("web" + round, List.of(this.api), this.pool);
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
		assertThat(this.api.post(pods(), BudgetedPods.pod("web-1", "web", List.of())).code()).isEqualTo(201);
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
		assertThat(this.api.post(pods(), BudgetedPods.pod("web-0", "web", List.of("example.com/hold"))).code())
			.isEqualTo(201);
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

		HttpApi.Answer otherName = this.api.post(pods() + "/web-0/eviction", BudgetedPods.eviction("web-1", "{}"));
		assertThat(otherName.code()).isEqualTo(400);
		assertThat(otherName.message()).isEqualTo("name in URL does not match name in Eviction object");
		HttpApi.Answer wrongUid = post("web-0", "{\"preconditions\":{\"uid\":\"not-the-uid\"}}");
		assertThat(wrongUid.code()).as(wrongUid.body()).isEqualTo(409);
		HttpApi.Answer staleVersion = post("web-0", "{\"preconditions\":{\"resourceVersion\":\"1\"}}");
		assertThat(staleVersion.code()).as(staleVersion.body()).isEqualTo(409);
		assertThat(this.api.get(pods() + "/web-0").body()).isEqualTo(before);

		HttpApi.Answer matching = post("web-0", "{\"preconditions\":{\"uid\":\"" + pod.at("/metadata/uid").asText()
				+ "\",\"resourceVersion\":\"" + pod.at("/metadata/resourceVersion").asText() + "\"}}");
		assertThat(matching.code()).as(matching.body()).isEqualTo(201);
		assertThat(this.api.get(pods() + "/web-0").code()).isEqualTo(404);
	}

	private HttpApi.Answer evict(String pod, String query) {
		return this.fixture.evict(this.api, pod, query);
	}

	private HttpApi.Answer post(String pod, String deleteOptions) {
		return this.api.post(pods() + "/" + pod + "/eviction", BudgetedPods.eviction(pod, deleteOptions));
	}

	private void runningPod(String name, String app, boolean ready) {
		this.fixture.runningPod(name, app, ready);
	}

	private void running(String name, boolean ready) {
		this.fixture.running(name, ready);
	}

	private void budget(String name, String app, int allowed, int currentHealthy, int desiredHealthy) {
		this.fixture.budget(name, app, allowed, currentHealthy, desiredHealthy);
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

	private String pods() {
		return this.fixture.pods();
	}

	private String budgets() {
		return this.fixture.budgets();
	}

}
