package io.stevedore.e2e.launcher;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scripts/lib/build.sh's jar cache on its own, with the real jars the reactor built and
 * the real java: every service extracted once into a directory named after its jar
 * (reused, an older version removed unless a process runs from it), and the AOT cache
 * plan: none unless asked, training when there is no cache, a finished trainer's file
 * promoted to the cache, a running trainer left alone, the JDK's leftovers removed.
 * Seconds; no cluster.
 */
class JarCacheScriptTest {

	private static final String COMPONENTS = "apiserver gateway scheduler controllers proxy node";

	@TempDir
	Path home;

	/**
	 * Shared by the tests: each service is extracted once for the class (seconds each).
	 */
	@TempDir
	static Path cache;

	/** The AOT files a test made: the next test starts with none, as after a build. */
	@AfterEach
	void removeAotFiles() throws Exception {
		try (Stream<Path> files = Files.find(cache, 2,
				(path, attributes) -> path.getFileName().toString().startsWith("aot-"))) {
			for (Path file : files.toList()) {
				Files.deleteIfExists(file);
			}
		}
	}

	@Test
	void everyServiceIsExtractedOnceAndAnOlderVersionGoesUnlessAProcessRunsFromIt() throws Exception {
		Path stale = Files.createDirectories(cache.resolve("proxy-1-1"));
		Files.writeString(stale.resolve("app.jar"), "old");
		Path inUse = Files.createDirectories(cache.resolve("scheduler-1-1"));
		Files.writeString(inUse.resolve("app.jar"), "old");
		Process user = new ProcessBuilder("bash", "-c", "exec -a \"java -jar " + inUse + "/app.jar\" sleep 60").start();
		try {
			assertThat(run("component_jar node").strip())
				.as("no extracted jar yet: the fat-jar copy an older ./stevedore made")
				.isEqualTo(this.home.resolve("jars/node.jar").toString());
			String dirs = run("install_jars; for c in " + COMPONENTS + "; do component_dir $c; done");
			assertThat(run("component_jar node").strip()).startsWith(cache.resolve("node-").toString())
				.endsWith("/app.jar");

			for (String dir : dirs.strip().split("\n")) {
				assertThat(Path.of(dir).getParent()).isEqualTo(cache);
				assertThat(Path.of(dir, "app.jar")).isNotEmptyFile();
				try (Stream<Path> lib = Files.list(Path.of(dir, "lib"))) {
					assertThat(lib.filter((jar) -> jar.getFileName().toString().startsWith("spring-core-")))
						.as("the libraries beside app.jar, on its Class-Path")
						.hasSize(1);
				}
			}
			assertThat(dirs).contains(cache.resolve("apiserver-").toString());
			assertThat(stale).as("an older proxy jar no process runs from").doesNotExist();
			assertThat(inUse).as("an older scheduler jar a process still runs from").exists();

			long extractedAt = Files.getLastModifiedTime(Path.of(dirs.lines().findFirst().orElseThrow())).toMillis();
			assertThat(run("install_jars; for c in " + COMPONENTS + "; do component_dir $c; done"))
				.as("the same jars, the same directories")
				.isEqualTo(dirs);
			assertThat(Files.getLastModifiedTime(Path.of(dirs.lines().findFirst().orElseThrow())).toMillis())
				.as("not extracted again")
				.isEqualTo(extractedAt);
		}
		finally {
			user.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void theAotCachePlanTrainsOnceUsesAFinishedTrainersFileAndLeavesARunningTrainerAlone() throws Exception {
		String plan = "aot_plan apiserver; echo \"options=$AOT_OPTIONS output=$AOT_OUTPUT\"";
		String setUp = "install_jars >/dev/null; load_java_flags; ";

		assertThat(run(setUp + plan).strip()).as("off unless asked").isEqualTo("options= output=");

		String training = run(setUp + "STEVEDORE_AOT_CACHE=on; " + plan).strip();
		assertThat(training).matches("options= output=" + cache + "/apiserver-\\d+-\\d+/aot-\\d+\\.aot");
		Path cacheFile = Path.of(training.substring(training.indexOf("output=") + "output=".length()));

		// A trainer still running (its command line names its file): no cache, no second
		// trainer.
		Path running = Path.of(cacheFile + ".424242");
		Files.writeString(running, "");
		Process trainer = new ProcessBuilder("bash", "-c",
				"exec -a \"java -XX:AOTCacheOutput=" + running + "\" sleep 60")
			.start();
		try {
			assertThat(run(setUp + "STEVEDORE_AOT_CACHE=on; " + plan).strip()).isEqualTo("options= output=");
			assertThat(running).exists();
		}
		finally {
			trainer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}

		// Its writer gone, the file is the cache; the JDK's temporary file of a dead
		// trainer and an empty file are removed.
		Files.writeString(running, "a cache");
		Path leftover = Path.of(cacheFile + ".525252.config");
		Files.writeString(leftover, "training data");
		Path empty = Path.of(cacheFile + ".626262");
		Files.writeString(empty, "");
		assertThat(run(setUp + "STEVEDORE_AOT_CACHE=on; " + plan).strip())
			.isEqualTo("options=-XX:AOTCache=" + cacheFile + " output=");
		assertThat(cacheFile).hasContent("a cache");
		assertThat(running).doesNotExist();
		assertThat(leftover).doesNotExist();
		assertThat(empty).doesNotExist();
	}

	/**
	 * The real round trip with the apiserver's jar: started with the cache asked for, it
	 * trains and writes the cache as it exits (Spring's exit after refresh stands in for
	 * ./stevedore down), and the next start maps it: with -XX:AOTMode=on a cache the JVM
	 * cannot use stops it before Spring starts.
	 */
	@Test
	void aServiceTrainsItsCacheAsItExitsAndTheNextStartMapsIt() throws Exception {
		String startAndWait = "component_start apiserver 192m -jar \"$(component_jar apiserver)\""
				+ " --server.address=127.0.0.1 --server.port=0 --stevedore.storage.embedded-dir=\"$STEVEDORE_HOME/data\";"
				+ " pid=$(cat \"$(component_pid_file apiserver)\"); while pid_alive $pid; do sleep 0.2; done; ";
		String setUp = "install_jars >/dev/null; STEVEDORE_AOT_CACHE=on; ";

		String trained = run(setUp + "STEVEDORE_JAVA_OPTS=-Dspring.context.exit=onRefresh; " + startAndWait
				+ "aot_plan apiserver; echo \"options=$AOT_OPTIONS\"");
		assertThat(trained.strip()).matches("options=-XX:AOTCache=" + cache + "/apiserver-\\d+-\\d+/aot-\\d+\\.aot");

		run(setUp + "STEVEDORE_JAVA_OPTS='-Dspring.context.exit=onRefresh -XX:AOTMode=on'; " + startAndWait);
		String log = Files.readString(this.home.resolve("logs/apiserver.log"));
		String second = log.substring(log.lastIndexOf("./stevedore starts apiserver"));
		assertThat(second).as(second).contains("Starting ApiServerApplication").doesNotContain("Error occurred");
	}

	private String run(String script) throws Exception {
		Path root = StevedoreCommand.repositoryRoot();
		String prelude = "set -euo pipefail; STEVEDORE_ROOT=" + root
				+ "; for f in common process kubeconfig build components;" + " do . \"" + root
				+ "/scripts/lib/$f.sh\"; done; ";
		ProcessBuilder builder = new ProcessBuilder("bash", "-c", prelude + script).redirectErrorStream(true);
		builder.environment().put("STEVEDORE_HOME", this.home.toString());
		builder.environment().put("STEVEDORE_JAR_CACHE", cache.toString());
		builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
		Process process = builder.start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(out).isZero();
		return out;
	}

}
