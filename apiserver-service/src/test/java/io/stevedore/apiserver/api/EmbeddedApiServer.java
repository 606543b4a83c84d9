package io.stevedore.apiserver.api;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

/**
 * The apiserver on a random port over a fresh embedded store (never the user's
 * ~/.stevedore, whose lock a running local cluster holds), for tests over real HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { "stevedore.storage.url=",
		"stevedore.storage.embedded-dir=${java.io.tmpdir}/stevedore-it-${random.uuid}" })
abstract class EmbeddedApiServer {

	@Autowired
	private Environment environment;

	/** A client for this test's apiserver. */
	protected HttpApi api() {
		return new HttpApi(Integer.parseInt(this.environment.getRequiredProperty("local.server.port")));
	}

	/**
	 * Creates a namespace of its own for one test: the tests of a class share the server
	 * and its store.
	 */
	protected static String newNamespace(HttpApi api) {
		String ns = "t" + Long.toHexString(System.nanoTime());
		HttpApi.Answer created = api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + ns + "\"}}");
		if (created.code() != 201) {
			throw new AssertionError("namespace " + ns + " not created: " + created.body());
		}
		return ns;
	}

}
