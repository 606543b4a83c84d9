package io.stevedore.gateway.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.authz.Decision;
import io.stevedore.gateway.authz.RequestInfo;
import io.stevedore.gateway.status.StatusResponses;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written line against what Jackson made of AuditEvents' map (the writer before
 * it): the same object, field for field and in the same order.
 */
class AuditJsonTest {

	private static final AuditPolicy.Decision METADATA = new AuditPolicy.Decision(AuditLevel.Metadata, Set.of(), true);

	/**
	 * Every character below U+0020, the ones JSON must escape, and some that it must not.
	 */
	private static final String TRICKY;

	static {
		StringBuilder all = new StringBuilder("a\"b\\c/d");
		for (char c = 0; c < 0x20; c++) {
			all.append(c);
		}
		all.append("\u007f é 中文 \u2028\u2029 \uD83D\uDE80 <script>&'");
		TRICKY = all.toString();
	}

	private static final Instant RECEIVED = Instant.parse("2026-12-06T05:55:33.123456Z");

	@Test
	@DisplayName("tricky strings in every field are escaped as Jackson escapes them")
	void trickyValues() throws Exception {
		UserInfo user = new UserInfo("u" + TRICKY, "uid-" + TRICKY, List.of("system:authenticated", TRICKY, ""),
				Map.of("x", List.of("y")));
		RequestInfo info = RequestInfo.resource("get", "apps" + TRICKY, "ns" + TRICKY, "deployments" + TRICKY,
				"scale" + TRICKY, "web" + TRICKY);
		AuditEvents.Request request = new AuditEvents.Request("id-" + TRICKY, RECEIVED, "GET",
				"/apis/apps/v1/namespaces/x/deployments/web?fieldSelector=a%3Db\"", info, user, null, "::1",
				"kubectl/" + TRICKY, new Decision(true, "RBAC: allowed by \"" + TRICKY + "\""));
		assertSame(request, METADATA, AuditStage.RequestReceived, RECEIVED, null);
		assertSame(request, METADATA, AuditStage.ResponseComplete, RECEIVED.plusMillis(3), 200);
	}

	@Test
	@DisplayName("a long user name, many groups, impersonation and a refusal")
	void longNamesAndImpersonation() throws Exception {
		String longName = "system:serviceaccount:" + "n".repeat(20_000);
		List<String> groups = IntStream.range(0, 300).mapToObj((i) -> "group-" + i + "-\u00e9\"").toList();
		UserInfo impersonated = new UserInfo(longName, "", groups, Map.of());
		UserInfo impersonator = UserInfo.of("admin", List.of("system:masters", "system:authenticated"));
		AuditEvents.Request request = new AuditEvents.Request("a1", RECEIVED, "DELETE",
				"/api/v1/namespaces/default/pods/p", RequestInfo.resource("delete", "", "default", "pods", "", "p"),
				impersonated, impersonator, "10.0.0.1", null, new Decision(false, ""));
		assertSame(request, new AuditPolicy.Decision(AuditLevel.Request, Set.of(), false), AuditStage.Panic,
				RECEIVED.plusSeconds(2), 500);
		// a second, shorter line on the same thread: nothing of the long one is left
		AuditEvents.Request small = new AuditEvents.Request("a2", RECEIVED, "GET", "/api", null, null, null, null, null,
				null);
		assertSame(small, METADATA, AuditStage.ResponseComplete, RECEIVED, 401);
	}

	@Test
	@DisplayName("no user, no address, a non-resource request, no authorization")
	void sparseEvents() throws Exception {
		AuditEvents.Request anonymous = new AuditEvents.Request("x", RECEIVED, "GET", "/healthz/etcd",
				RequestInfo.nonResource("/healthz/etcd", "get"), null, null, null, null, null);
		assertSame(anonymous, METADATA, AuditStage.ResponseComplete, RECEIVED, 401);
		AuditEvents.Request unparsed = new AuditEvents.Request("y", RECEIVED, "PATCH", "/x", null,
				UserInfo.of("bob", List.of()), null, "127.0.0.1", "", Decision.NO_OPINION);
		assertSame(unparsed, METADATA, AuditStage.ResponseStarted, RECEIVED, 200);
	}

	@Test
	@DisplayName("timestamps as Instant.toString prints them: whole seconds, milli, micro and nano fractions")
	void timestamps() throws Exception {
		AuditEvents.Request request = new AuditEvents.Request("t", RECEIVED, "GET", "/api", null, null, null, null,
				null, null);
		for (String at : List.of("2026-12-06T05:55:33Z", "2026-12-06T05:55:33.100Z", "2026-12-06T05:55:33.000100Z",
				"2026-12-06T05:55:33.000000001Z", "2026-12-06T05:55:34.999999999Z", "2026-12-06T05:55:34.010Z",
				"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.5Z", "+10000-01-01T00:00:00.5Z",
				"0999-01-01T00:00:00.25Z")) {
			Instant instant = Instant.parse(at);
			String line = AuditJson.line(request, METADATA, AuditStage.ResponseComplete, instant, 200);
			assertThat(StatusResponses.JSON.readTree(line).path("stageTimestamp").asText()).as(at)
				.isEqualTo(instant.toString());
			assertSame(request, METADATA, AuditStage.ResponseComplete, instant, 200);
		}
	}

	/**
	 * The same tree, the same field order at every level that has one, and for events
	 * without responseStatus (whose two fields the old map held in Map.of's unspecified
	 * order) the same characters.
	 */
	private static void assertSame(AuditEvents.Request request, AuditPolicy.Decision decision, AuditStage stage,
			Instant at, Integer code) throws Exception {
		String old = StatusResponses.JSON
			.writeValueAsString(AuditEvents.event(request, decision, stage, at, code, null));
		String line = AuditJson.line(request, decision, stage, at, code);
		JsonNode expected = StatusResponses.JSON.readTree(old);
		JsonNode actual = StatusResponses.JSON.readTree(line);
		assertThat(actual).isEqualTo(expected);
		assertThat(fieldNames(actual)).isEqualTo(fieldNames(expected));
		assertThat(fieldNames(actual.path("user"))).isEqualTo(fieldNames(expected.path("user")));
		assertThat(fieldNames(actual.path("objectRef"))).isEqualTo(fieldNames(expected.path("objectRef")));
		assertThat(fieldNames(actual.path("annotations"))).isEqualTo(fieldNames(expected.path("annotations")));
		if (code == null) {
			assertThat(line).isEqualTo(old);
		}
		else {
			assertThat(line).isEqualTo(
					old.replace("{\"code\":" + code + ",\"metadata\":{}}", "{\"metadata\":{},\"code\":" + code + "}"));
		}
	}

	private static List<String> fieldNames(JsonNode node) {
		List<String> names = new ArrayList<>();
		for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
			names.add(it.next());
		}
		return names;
	}

}
