package io.stevedore.apiserver.api;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST API over real HTTP on the real embedded store: verbs, semantics, and that
 * every rejected request leaves the store's revision where it was.
 */
// A short history, so a test can push an old revision out of the window.
@TestPropertySource(properties = "stevedore.apiserver.watch-cache-events=300")
class KubernetesApiIT extends EmbeddedApiServer {

	HttpApi api;

	String ns;

	@BeforeEach
	void namespace() {
		this.api = api();
		this.ns = "t" + Long.toHexString(System.nanoTime());
		HttpApi.Answer created = this.api.post("/api/v1/namespaces",
				"{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + this.ns + "\"}}");
		assertThat(created.code()).as(created.body()).isEqualTo(201);
	}

	private String pods() {
		return "/api/v1/namespaces/" + this.ns + "/pods";
	}

	private String deployments() {
		return "/apis/apps/v1/namespaces/" + this.ns + "/deployments";
	}

	private static String pod(String name, String app) {
		return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"app\":\""
				+ app + "\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox:1.36\"}]}}";
	}

	private static String deployment(String name, int replicas) {
		return "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name
				+ "\"},\"spec\":{\"replicas\":" + replicas
				+ ",\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},"
				+ "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.27\"}]}}}}";
	}

	/** The store's revision as a consistent list reports it. */
	private long revision() {
		return Long.parseLong(
				this.api.get("/api/v1/namespaces?limit=1").json().path("metadata").path("resourceVersion").asText());
	}

	/** Runs a request that must be rejected and checks that nothing was written. */
	private HttpApi.Answer rejected(int code, Supplier<HttpApi.Answer> request) {
		long before = revision();
		HttpApi.Answer answer = request.get();
		assertThat(answer.code()).as(answer.body()).isEqualTo(code);
		assertThat(answer.json().path("kind").asText()).isEqualTo("Status");
		assertThat(revision()).as("the store's revision after a rejected request").isEqualTo(before);
		return answer;
	}

	@Test
	void discoveryListsGroupsAndResources() {
		assertThat(this.api.get("/api").json().path("versions").toString()).contains("v1");
		assertThat(this.api.get("/apis").json().toString()).contains("apps").contains("batch");
		JsonNode core = this.api.get("/api/v1").json();
		assertThat(core.path("resources").toString()).contains("\"name\":\"pods\"").contains("\"po\"");
		assertThat(this.api.get("/version").json().path("major").asText()).isEqualTo("1");
	}

	@Test
	void theSystemNamespacesExist() {
		for (String name : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
			HttpApi.Answer ns = this.api.get("/api/v1/namespaces/" + name);
			assertThat(ns.code()).isEqualTo(200);
			assertThat(ns.json().path("status").path("phase").asText()).isEqualTo("Active");
		}
	}

	@Test
	void createFillsServerOwnedMetadataAndDefaults() {
		HttpApi.Answer created = this.api.post(pods(), pod("web-1", "web"));
		assertThat(created.code()).as(created.body()).isEqualTo(201);
		JsonNode pod = created.json();
		assertThat(pod.path("metadata").path("uid").asText()).hasSize(36);
		assertThat(pod.path("metadata").path("creationTimestamp").asText()).endsWith("Z");
		assertThat(pod.path("metadata").path("resourceVersion").asLong()).isPositive();
		assertThat(pod.path("metadata").path("namespace").asText()).isEqualTo(this.ns);
		assertThat(pod.path("spec").path("restartPolicy").asText()).isEqualTo("Always");
		assertThat(pod.path("status").path("phase").asText()).isEqualTo("Pending");
		assertThat(pod.path("metadata").path("managedFields").isArray()).isTrue();

		HttpApi.Answer got = this.api.get(pods() + "/web-1");
		assertThat(got.json().path("metadata").path("resourceVersion"))
			.isEqualTo(pod.path("metadata").path("resourceVersion"));
	}

	@Test
	void leasesKeepTheirMicrosecondTimes() {
		String leases = "/apis/coordination.k8s.io/v1/namespaces/" + this.ns + "/leases";
		HttpApi.Answer created = this.api.post(leases,
				"{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\"l\"},"
						+ "\"spec\":{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":15,"
						+ "\"renewTime\":\"2026-11-22T04:00:00.123456Z\"}}");
		assertThat(created.code()).as(created.body()).isEqualTo(201);
		assertThat(this.api.get(leases + "/l").json().path("spec").path("renewTime").asText())
			.isEqualTo("2026-11-22T04:00:00.123456Z");
	}

	@Test
	void generateNameProducesAUniqueName() {
		String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"generateName\":\"cfg-\"}}";
		String a = this.api.post("/api/v1/namespaces/" + this.ns + "/configmaps", body)
			.json()
			.path("metadata")
			.path("name")
			.asText();
		String b = this.api.post("/api/v1/namespaces/" + this.ns + "/configmaps", body)
			.json()
			.path("metadata")
			.path("name")
			.asText();
		assertThat(a).startsWith("cfg-").hasSize(9).isNotEqualTo(b);
	}

	@Test
	void aSecondCreateOfTheSameNameIsAlreadyExists() {
		this.api.post(pods(), pod("dup", "web"));
		HttpApi.Answer again = rejected(409, () -> this.api.post(pods(), pod("dup", "web")));
		assertThat(again.reason()).isEqualTo("AlreadyExists");
		assertThat(again.message()).isEqualTo("pods \"dup\" already exists");
	}

	@Test
	void listsFilterByLabelAndFieldSelectorsAndPageWithContinueTokens() {
		for (int i = 0; i < 5; i++) {
			this.api.post(pods(), pod("p" + i, i % 2 == 0 ? "even" : "odd"));
		}
		assertThat(this.api.get(pods() + "?labelSelector=app%3Deven").json().path("items")).hasSize(3);
		assertThat(this.api.get(pods() + "?labelSelector=app+in+(odd)").json().path("items")).hasSize(2);
		assertThat(this.api.get(pods() + "?fieldSelector=metadata.name%3Dp3").json().path("items")).hasSize(1);
		assertThat(this.api.get(pods() + "?fieldSelector=status.phase%3DPending").json().path("items")).hasSize(5);

		JsonNode first = this.api.get(pods() + "?limit=2").json();
		String token = first.path("metadata").path("continue").asText();
		assertThat(first.path("items")).hasSize(2);
		assertThat(first.path("metadata").path("remainingItemCount").asLong()).isEqualTo(3);
		// A write between pages does not show up: every page comes from the first page's
		// snapshot.
		this.api.post(pods(), pod("p0a", "even"));
		List<String> names = new ArrayList<>();
		first.path("items").forEach(item -> names.add(item.path("metadata").path("name").asText()));
		while (!token.isEmpty()) {
			JsonNode page = this.api.get(pods() + "?limit=2&continue=" + token).json();
			page.path("items").forEach(item -> names.add(item.path("metadata").path("name").asText()));
			token = page.path("metadata").path("continue").asText();
		}
		assertThat(names).containsExactly("p0", "p1", "p2", "p3", "p4");
	}

	@Test
	void aStaleUpdateIsAConflictAndChangesNothing() {
		JsonNode created = this.api.post("/api/v1/namespaces/" + this.ns + "/configmaps",
				"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"data\":{\"k\":\"1\"}}")
			.json();
		String rv = created.path("metadata").path("resourceVersion").asText();
		HttpApi.Answer updated = this.api.put("/api/v1/namespaces/" + this.ns + "/configmaps/c",
				"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\",\"resourceVersion\":\"" + rv
						+ "\"},\"data\":{\"k\":\"2\"}}");
		assertThat(updated.code()).as(updated.body()).isEqualTo(200);
		HttpApi.Answer stale = rejected(409, () -> this.api.put("/api/v1/namespaces/" + this.ns + "/configmaps/c",
				"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\",\"resourceVersion\":\"" + rv
						+ "\"},\"data\":{\"k\":\"3\"}}"));
		assertThat(stale.reason()).isEqualTo("Conflict");
		assertThat(stale.message()).contains("the object has been modified");
		assertThat(
				this.api.get("/api/v1/namespaces/" + this.ns + "/configmaps/c").json().path("data").path("k").asText())
			.isEqualTo("2");
	}

	@Test
	void concurrentPatchesOfOneObjectAllSucceedAndAllLand() throws Exception {
		String path = "/api/v1/namespaces/" + this.ns + "/configmaps/shared";
		this.api.post("/api/v1/namespaces/" + this.ns + "/configmaps",
				"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"shared\"}}");
		List<CompletableFuture<Integer>> patches = new ArrayList<>();
		try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
			for (int i = 0; i < 80; i++) {
				String body = "{\"data\":{\"k" + i + "\":\"v\"}}";
				patches.add(CompletableFuture
					.supplyAsync(() -> this.api.patch(path, "application/merge-patch+json", body).code(), pool));
			}
		}
		for (CompletableFuture<Integer> patch : patches) {
			assertThat(patch.get()).isEqualTo(200);
		}
		assertThat(this.api.get(path).json().path("data")).hasSize(80);
	}

	@Test
	void specChangesBumpGenerationAndNoOpWritesKeepTheResourceVersion() {
		JsonNode created = this.api.post(deployments(), deployment("web", 2)).json();
		assertThat(created.path("metadata").path("generation").asLong()).isEqualTo(1);
		assertThat(created.path("spec").path("strategy").path("type").asText()).isEqualTo("RollingUpdate");
		JsonNode patched = this.api
			.patch(deployments() + "/web", "application/merge-patch+json", "{\"spec\":{\"replicas\":3}}")
			.json();
		assertThat(patched.path("metadata").path("generation").asLong()).isEqualTo(2);
		JsonNode labelled = this.api
			.patch(deployments() + "/web", "application/merge-patch+json",
					"{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}")
			.json();
		assertThat(labelled.path("metadata").path("generation").asLong()).isEqualTo(2);
		HttpApi.Answer noop = this.api.patch(deployments() + "/web", "application/merge-patch+json",
				"{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}");
		assertThat(noop.json().path("metadata").path("resourceVersion"))
			.isEqualTo(labelled.path("metadata").path("resourceVersion"));
	}

	@Test
	void theThreePatchTypesApply() {
		this.api.post(deployments(), deployment("web", 1));
		String path = deployments() + "/web";
		this.api.patch(path, "application/json-patch+json",
				"[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":4}]");
		assertThat(this.api.get(path).json().path("spec").path("replicas").asInt()).isEqualTo(4);
		HttpApi.Answer strategic = this.api.patch(path, "application/strategic-merge-patch+json",
				"{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.28\"}]}}}}");
		assertThat(strategic.code()).as(strategic.body()).isEqualTo(200);
		JsonNode containers = this.api.get(path).json().path("spec").path("template").path("spec").path("containers");
		assertThat(containers).hasSize(1);
		assertThat(containers.get(0).path("image").asText()).isEqualTo("nginx:1.28");
		assertThat(containers.get(0).path("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
	}

	@Test
	void statusWritesIgnoreSpecAndMainWritesIgnoreStatus() {
		this.api.post(deployments(), deployment("web", 1));
		String path = deployments() + "/web";
		this.api.patch(path + "/status", "application/merge-patch+json",
				"{\"spec\":{\"replicas\":9},\"status\":{\"replicas\":1,\"readyReplicas\":1}}");
		JsonNode afterStatus = this.api.get(path).json();
		assertThat(afterStatus.path("spec").path("replicas").asInt()).isEqualTo(1);
		assertThat(afterStatus.path("status").path("readyReplicas").asInt()).isEqualTo(1);
		this.api.patch(path, "application/merge-patch+json", "{\"status\":{\"readyReplicas\":0}}");
		assertThat(this.api.get(path).json().path("status").path("readyReplicas").asInt()).isEqualTo(1);
	}

	@Test
	void scaleReadsAndWritesReplicas() {
		this.api.post(deployments(), deployment("web", 2));
		JsonNode scale = this.api.get(deployments() + "/web/scale").json();
		assertThat(scale.path("kind").asText()).isEqualTo("Scale");
		assertThat(scale.path("spec").path("replicas").asInt()).isEqualTo(2);
		assertThat(scale.path("status").path("selector").asText()).isEqualTo("app=web");
		HttpApi.Answer scaled = this.api.patch(deployments() + "/web/scale", "application/merge-patch+json",
				"{\"spec\":{\"replicas\":5}}");
		assertThat(scaled.json().path("spec").path("replicas").asInt()).isEqualTo(5);
		assertThat(this.api.get(deployments() + "/web").json().path("spec").path("replicas").asInt()).isEqualTo(5);
		rejected(422, () -> this.api.patch(deployments() + "/web/scale", "application/merge-patch+json",
				"{\"spec\":{\"replicas\":-1}}"));
	}

	@Test
	void badInputGetsAClearStatusAndChangesNothing() {
		assertThat(rejected(400, () -> this.api.post(pods(), "{\"apiVersion\":\"v1\",")).message()).contains("JSON");
		assertThat(rejected(400, () -> this.api.post(pods(), deployment("x", 1))).message())
			.isEqualTo("the API version in the data (apps/v1) does not match the expected API version (v1)");
		assertThat(rejected(400, () -> this.api.post(pods(), "{\"apiVersion\":\"v1\",\"kind\":\"Service\"}")).message())
			.isEqualTo("the kind in the data (Service) does not match the expected kind (Pod)");
		assertThat(rejected(400,
				() -> this.api.post(pods(),
						"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\",\"namespace\":\"other\"},"
								+ "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}"))
			.message()).contains("does not match the namespace");
		assertThat(rejected(422, () -> this.api.post(pods(),
				"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}"))
			.message()).contains("metadata.name");
		HttpApi.Answer invalid = rejected(422, () -> this.api.post(deployments(), deployment("neg", -1)));
		assertThat(invalid.reason()).isEqualTo("Invalid");
		assertThat(invalid.message()).startsWith("Deployment.apps \"neg\" is invalid: spec.replicas");
		assertThat(invalid.json().path("details").path("causes").get(0).path("field").asText())
			.isEqualTo("spec.replicas");
		assertThat(rejected(422, () -> this.api.post(pods(), pod("Bad_Name", "web"))).message())
			.contains("metadata.name: Invalid value: \"Bad_Name\"");
		assertThat(rejected(400, () -> this.api.send(pods() + "?fieldValidation=Strict", "POST", "application/json",
				"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"},\"spec\":{\"containerz\":[]}}"))
			.message()).contains("unknown field \"spec.containerz\"");
		assertThat(rejected(400, () -> this.api.get(pods() + "?labelSelector=app%3D%3D%3Dx")).code()).isEqualTo(400);
		assertThat(rejected(400, () -> this.api.get(pods() + "?fieldSelector=spec.unknown%3Dx")).message())
			.contains("field label not supported");
		assertThat(rejected(422, () -> this.api
			.post(pods(), "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"q\"},"
					+ "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"resources\":{\"limits\":{\"cpu\":\"lots\"}}}]}}"))
			.message()).contains("quantities must match the regular expression");
		byte[] huge = new byte[3 * 1024 * 1024 + 10];
		java.util.Arrays.fill(huge, (byte) ' ');
		assertThat(rejected(413, () -> this.api.send(pods(), "POST", "application/json", huge)).reason())
			.isEqualTo("RequestEntityTooLarge");
		StringBuilder laughs = new StringBuilder(
				"a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
		for (int level = 1; level < 9; level++) {
			String previous = "*a" + (level - 1);
			laughs.append("a")
				.append(level)
				.append(": &a")
				.append(level)
				.append(" [")
				.append(String.join(",", java.util.Collections.nCopies(9, previous)))
				.append("]\n");
		}
		// Jackson's YAML reader does not expand aliases, so the body stays small and is
		// refused for what it lacks instead of exhausting memory.
		assertThat(rejected(422, () -> this.api.send(pods(), "POST", "application/yaml", laughs.toString())).message())
			.contains("metadata.name: Required value");
		this.api.post(deployments(), deployment("web", 1));
		rejected(422, () -> this.api.patch(deployments() + "/web", "application/json-patch+json",
				"[{\"op\":\"remove\",\"path\":\"/spec/template/spec/containers\"}]"));
		rejected(422, () -> this.api.patch(deployments() + "/web", "application/json-patch+json",
				"[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":7}]"));
		rejected(404, () -> this.api.get(pods() + "/nope"));
		rejected(404, () -> this.api.post("/api/v1/namespaces/no-such-ns/pods", pod("x", "y")));
		rejected(404, () -> this.api.get("/apis/apps/v1/namespaces/default/widgets"));
	}

	@Test
	void servicesGetAClusterIpAndNodePortsWhichReturnOnDelete() {
		String services = "/api/v1/namespaces/" + this.ns + "/services";
		JsonNode svc = this.api.post(services,
				"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"type\":\"NodePort\","
						+ "\"selector\":{\"app\":\"web\"},\"ports\":[{\"port\":80,\"targetPort\":8080}]}}")
			.json();
		String ip = svc.path("spec").path("clusterIP").asText();
		int nodePort = svc.path("spec").path("ports").get(0).path("nodePort").asInt();
		assertThat(ip).startsWith("10.");
		assertThat(nodePort).isBetween(30000, 32767);
		String clash = "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"other\"},\"spec\":{\"type\":\"NodePort\","
				+ "\"clusterIP\":\"" + ip + "\",\"ports\":[{\"port\":80,\"nodePort\":" + nodePort + "}]}}";
		assertThat(rejected(422, () -> this.api.post(services, clash)).message()).contains("already allocated");
		assertThat(this.api.delete(services + "/web").code()).isEqualTo(200);
		assertThat(this.api.post(services, clash).code()).isEqualTo(201);
	}

	@Test
	void finalizersKeepADeletedObjectUntilTheyAreRemoved() {
		String cms = "/api/v1/namespaces/" + this.ns + "/configmaps";
		this.api.post(cms,
				"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"f\",\"finalizers\":[\"example.com/hold\"]}}");
		HttpApi.Answer deleting = this.api.delete(cms + "/f");
		assertThat(deleting.code()).isEqualTo(202);
		JsonNode held = this.api.get(cms + "/f").json();
		assertThat(held.path("metadata").path("deletionTimestamp").asText()).isNotEmpty();
		this.api.patch(cms + "/f", "application/merge-patch+json", "{\"metadata\":{\"finalizers\":null}}");
		assertThat(this.api.get(cms + "/f").code()).isEqualTo(404);
	}

	@Test
	void aDeletedNamespaceStaysTerminatingUntilItsFinalizerIsRemovedThroughFinalize() {
		String path = "/api/v1/namespaces/" + this.ns;
		assertThat(this.api.get(path).json().path("spec").path("finalizers").toString()).isEqualTo("[\"kubernetes\"]");
		assertThat(this.api.delete(path).code()).isEqualTo(202);
		JsonNode terminating = this.api.get(path).json();
		assertThat(terminating.path("status").path("phase").asText()).isEqualTo("Terminating");
		assertThat(terminating.path("metadata").path("deletionTimestamp").asText()).isNotEmpty();
		assertThat(rejected(403, () -> this.api.post(pods(), pod("late", "web"))).message())
			.contains("because it is being terminated");
		// The main resource cannot drop spec.finalizers; only /finalize can.
		this.api.patch(path, "application/merge-patch+json", "{\"spec\":{\"finalizers\":[]}}");
		assertThat(this.api.get(path).code()).isEqualTo(200);
		HttpApi.Answer finalized = this.api.put(path + "/finalize",
				"{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + this.ns
						+ "\"},\"spec\":{\"finalizers\":[]}}");
		assertThat(finalized.code()).as(finalized.body()).isEqualTo(200);
		assertThat(this.api.get(path).code()).isEqualTo(404);
	}

	@Test
	void deleteCollectionRemovesWhatTheSelectorMatches() {
		this.api.post(pods(), pod("keep", "a"));
		this.api.post(pods(), pod("go1", "b"));
		this.api.post(pods(), pod("go2", "b"));
		assertThat(this.api.delete(pods() + "?labelSelector=app%3Db").code()).isEqualTo(200);
		JsonNode left = this.api.get(pods()).json().path("items");
		assertThat(left).hasSize(1);
		assertThat(left.get(0).path("metadata").path("name").asText()).isEqualTo("keep");
	}

	@Test
	void tablesCarryKubectlsColumns() {
		this.api.post(pods(), pod("web-1", "web"));
		JsonNode table = this.api.get(pods(), "application/json;as=Table;v=v1;g=meta.k8s.io, application/json").json();
		assertThat(table.path("kind").asText()).isEqualTo("Table");
		List<String> columns = new ArrayList<>();
		table.path("columnDefinitions").forEach(c -> columns.add(c.path("name").asText()));
		assertThat(columns).startsWith("Name", "Ready", "Status", "Restarts", "Age");
		assertThat(table.path("rows").get(0).path("cells").get(0).asText()).isEqualTo("web-1");
	}

	@Test
	void aWatchSeesChangesInOrderFromItsResourceVersion() throws Exception {
		String rv = this.api.get(pods()).json().path("metadata").path("resourceVersion").asText();
		HttpRequest request = HttpRequest
			.newBuilder(this.api.uri(pods() + "?watch=true&resourceVersion=" + rv + "&timeoutSeconds=10"))
			.build();
		CompletableFuture<HttpResponse<InputStream>> response = this.api.client()
			.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
		this.api.post(pods(), pod("w1", "web"));
		this.api.patch(pods() + "/w1", "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"x\":\"1\"}}}");
		this.api.delete(pods() + "/w1");
		List<String> events = new ArrayList<>();
		HttpResponse<InputStream> stream = response.get(5, TimeUnit.SECONDS);
		// Go's HTTP client refuses a response that says "chunked" twice.
		assertThat(stream.headers().allValues("transfer-encoding")).hasSizeLessThanOrEqualTo(1);
		try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
			while (events.size() < 3) {
				String line = lines.readLine();
				if (line == null) {
					break;
				}
				JsonNode event = HttpApi.JSON.readTree(line);
				events.add(event.path("type").asText() + " "
						+ event.path("object").path("metadata").path("name").asText());
			}
		}
		assertThat(events).containsExactly("ADDED w1", "MODIFIED w1", "DELETED w1");
	}

	@Test
	void dryRunAnswersLikeARealWriteAndStoresNothing() {
		HttpApi.Answer created = rejectedNothingWritten(() -> this.api.post(pods() + "?dryRun=All", pod("dry", "web")));
		assertThat(created.code()).isEqualTo(201);
		assertThat(created.json().path("metadata").path("uid").asText()).isNotEmpty();
		assertThat(this.api.get(pods() + "/dry").code()).isEqualTo(404);
		this.api.post(pods(), pod("real", "web"));
		assertThat(rejectedNothingWritten(() -> this.api.delete(pods() + "/real?dryRun=All")).code()).isEqualTo(200);
		assertThat(this.api.get(pods() + "/real").code()).isEqualTo(200);
	}

	/** A request that succeeds but must not write (dry run). */
	private HttpApi.Answer rejectedNothingWritten(Supplier<HttpApi.Answer> request) {
		long before = revision();
		HttpApi.Answer answer = request.get();
		assertThat(revision()).as("the store's revision after a dry run").isEqualTo(before);
		return answer;
	}

	@Test
	void aBindingSetsTheNodeAndConditionWithoutTouchingManagedFieldsAndASecondOneConflicts() {
		this.api.post(pods(), pod("b", "web"));
		JsonNode before = this.api.get(pods() + "/b").json();
		HttpApi.Answer bound = this.api.post(pods() + "/b/binding",
				"{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"b\"},"
						+ "\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"n1\"}}");
		assertThat(bound.code()).as(bound.body()).isEqualTo(201);
		assertThat(bound.json().path("status").asText()).isEqualTo("Success");
		JsonNode after = this.api.get(pods() + "/b").json();
		assertThat(after.path("spec").path("nodeName").asText()).isEqualTo("n1");
		assertThat(after.path("status").path("conditions").toString()).contains("\"PodScheduled\"");
		// As Kubernetes' BindingREST writes straight to storage: no manager owns
		// nodeName.
		assertThat(after.path("metadata").path("managedFields"))
			.isEqualTo(before.path("metadata").path("managedFields"));
		HttpApi.Answer again = rejected(409,
				() -> this.api.post(pods() + "/b/binding",
						"{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"b\"},"
								+ "\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"n2\"}}"));
		assertThat(again.json().path("message").asText()).contains("already assigned to node \"n1\"");
		HttpApi.Answer noTarget = rejected(422, () -> this.api.post(pods() + "/b/binding",
				"{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"b\"},\"target\":{}}"));
		assertThat(noTarget.json().path("message").asText()).contains("target.name");
	}

	@Test
	void aBindingForAnotherIncarnationOrAnOlderStateOfThePodConflictsAndItsAnnotationsAreCopied() {
		this.api.post(pods(), pod("u", "web"));
		JsonNode pod = this.api.get(pods() + "/u").json();
		String uid = pod.path("metadata").path("uid").asText();
		String resourceVersion = pod.path("metadata").path("resourceVersion").asText();
		HttpApi.Answer otherUid = rejected(409,
				() -> this.api.post(pods() + "/u/binding", bindingOfU("\"uid\":\"0000-other\"")));
		assertThat(otherUid.json().path("message").asText())
			.contains("Precondition failed: UID in precondition: 0000-other, UID in object meta: " + uid);
		HttpApi.Answer staleVersion = rejected(409,
				() -> this.api.post(pods() + "/u/binding", bindingOfU("\"resourceVersion\":\"1\"")));
		assertThat(staleVersion.json().path("message").asText())
			.contains("Precondition failed: ResourceVersion in precondition: 1");
		assertThat(this.api.get(pods() + "/u").json().path("spec").path("nodeName").isMissingNode()).isTrue();

		HttpApi.Answer bound = this.api.post(pods() + "/u/binding",
				bindingOfU("\"uid\":\"" + uid + "\",\"resourceVersion\":\"" + resourceVersion
						+ "\",\"annotations\":{\"example.com/placed-by\":\"bench\"}"));
		assertThat(bound.code()).as(bound.body()).isEqualTo(201);
		JsonNode after = this.api.get(pods() + "/u").json();
		assertThat(after.path("spec").path("nodeName").asText()).isEqualTo("n1");
		assertThat(after.path("metadata").path("annotations").path("example.com/placed-by").asText())
			.isEqualTo("bench");
	}

	@Test
	void aPodWrittenBackUnchangedAfterItsCreateOrItsBindingKeepsItsResourceVersionAndADryRunBindingWritesNothing() {
		this.api.post(pods(), pod("d", "web"));
		// Kubernetes answers a no-op update with the object as it is: the stored bytes
		// must be those the typed encoder writes, managedFields included.
		assertWrittenBackUnchanged("d");
		HttpApi.Answer dryRun = rejectedNothingWritten(() -> this.api.post(pods() + "/d/binding?dryRun=All",
				"{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"d\"},"
						+ "\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"n1\"}}"));
		assertThat(dryRun.code()).as(dryRun.body()).isEqualTo(201);
		assertThat(this.api.get(pods() + "/d").json().path("spec").path("nodeName").isMissingNode()).isTrue();

		HttpApi.Answer bound = this.api.post(pods() + "/d/binding",
				"{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"d\","
						+ "\"annotations\":{\"example.com/placed-by\":\"bench\"}},"
						+ "\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"n1\"}}");
		assertThat(bound.code()).as(bound.body()).isEqualTo(201);
		// The binding is written on the stored JSON (PodBinder), in the encoder's order.
		assertWrittenBackUnchanged("d");
	}

	private void assertWrittenBackUnchanged(String name) {
		JsonNode current = this.api.get(pods() + "/" + name).json();
		HttpApi.Answer unchanged = this.api.put(pods() + "/" + name, current.toString());
		assertThat(unchanged.code()).as(unchanged.body()).isEqualTo(200);
		assertThat(unchanged.json().path("metadata").path("resourceVersion").asText())
			.as("the resourceVersion after writing back %s", current)
			.isEqualTo(current.path("metadata").path("resourceVersion").asText());
	}

	/** A Binding of pod "u" to node n1 with these extra metadata fields. */
	private static String bindingOfU(String metadataFields) {
		return "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"u\"," + metadataFields + "},"
				+ "\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"n1\"}}";
	}

	@Test
	void verbsASubresourceDoesNotHaveAreMethodNotAllowed() {
		this.api.post(pods(), pod("p", "web"));
		HttpApi.Answer answer = rejected(405, () -> this.api.delete(pods() + "/p/binding"));
		assertThat(answer.reason()).isEqualTo("MethodNotAllowed");
	}

	@Test
	void sendInitialEventsEndsTheInitialStateWithABookmarkAndTimeoutSecondsEndsTheWatch() throws Exception {
		this.api.post(pods(), pod("i1", "web"));
		this.api.post(pods(), pod("i2", "web"));
		HttpRequest request = HttpRequest
			.newBuilder(this.api.uri(pods() + "?watch=true&sendInitialEvents=true&allowWatchBookmarks=true"
					+ "&resourceVersionMatch=NotOlderThan&timeoutSeconds=2"))
			.build();
		HttpResponse<InputStream> response = this.api.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
		List<String> events = new ArrayList<>();
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
			String line;
			// The stream ends by itself after timeoutSeconds.
			while ((line = lines.readLine()) != null) {
				JsonNode event = HttpApi.JSON.readTree(line);
				JsonNode meta = event.path("object").path("metadata");
				events.add(event.path("type").asText() + " "
						+ (event.path("type").asText().equals("BOOKMARK")
								? meta.path("annotations").path("k8s.io/initial-events-end").asText()
								: meta.path("name").asText()));
			}
		}
		assertThat(events).containsExactly("ADDED i1", "ADDED i2", "BOOKMARK true");
	}

	@Test
	void aWatchFromACompactedRevisionGetsGone() throws Exception {
		String staleToken = this.api.get("/api/v1/namespaces?limit=1")
			.json()
			.path("metadata")
			.path("continue")
			.asText();
		for (int i = 0; i < 310; i++) {
			this.api.post("/api/v1/namespaces/" + this.ns + "/configmaps",
					"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c" + i + "\"}}");
		}
		HttpApi.Answer expired = rejected(410, () -> this.api.get("/api/v1/namespaces?limit=1&continue=" + staleToken));
		assertThat(expired.reason()).isEqualTo("Expired");
		HttpRequest request = HttpRequest.newBuilder(this.api.uri(pods() + "?watch=true&resourceVersion=1")).build();
		HttpResponse<InputStream> response = this.api.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
			JsonNode event = HttpApi.JSON.readTree(lines.readLine());
			assertThat(event.path("type").asText()).isEqualTo("ERROR");
			assertThat(event.path("object").path("code").asInt()).isEqualTo(410);
		}
	}

}
