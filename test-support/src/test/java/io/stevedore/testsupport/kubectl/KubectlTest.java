package io.stevedore.testsupport.kubectl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The runner against a fake kubectl (a shell script), so each behaviour is checked
 * without a cluster: what the process sees, and what the test gets back.
 */
class KubectlTest {

	// Prints its arguments and environment on stdout, a marker on stderr; "fail N" exits
	// N,
	// "cat" echoes stdin, "sleep" never ends by itself, "lines" prints one line per
	// 100ms.
	private static final String FAKE_KUBECTL = """
			#!/bin/sh
			case "$1" in
			fail) echo "error: something broke" >&2; exit "$2" ;;
			cat) cat; exit 0 ;;
			sleep) exec sleep 600 ;;
			lines) for i in 1 2 3 4 5 6 7 8 9; do echo "line $i"; sleep 0.1; done; exec sleep 600 ;;
			env) env | sort; exit 0 ;;
			esac
			echo "args: $*"
			echo "KUBECONFIG=$KUBECONFIG HOME=$HOME PWD=$PWD"
			echo "to stderr" >&2
			""";

	@TempDir
	Path temp;

	private Kubectl kubectl;

	@BeforeEach
	void fakeKubectl() throws IOException {
		Path binary = this.temp.resolve("kubectl");
		Files.writeString(binary, FAKE_KUBECTL);
		Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwx------"));
		this.kubectl = Kubectl.forKubeconfig(this.temp.resolve("kubeconfig"), this.temp.resolve("home"))
			.withBinary(binary);
	}

	@Test
	void passesArgumentsAndPointsKubeconfigAndHomeAtTheTestsFiles() {
		KubectlResult result = this.kubectl.run("get", "pods", "-o", "wide");

		assertThat(result.exitCode()).isZero();
		assertThat(result.stdout()).contains("args: get pods -o wide")
			.contains("KUBECONFIG=" + this.temp.resolve("kubeconfig"))
			.contains("HOME=" + this.temp.resolve("home"))
			.contains("PWD=" + this.temp.resolve("home"));
		assertThat(result.arguments()).containsExactly("get", "pods", "-o", "wide");
	}

	@Test
	void createsTheHomeDirectorySoKubectlCanCacheDiscovery() {
		assertThat(this.temp.resolve("home")).isDirectory();
	}

	@Test
	void keepsStdoutAndStderrApart() {
		KubectlResult result = this.kubectl.run("version");

		assertThat(result.stdout()).doesNotContain("to stderr");
		assertThat(result.stderr()).isEqualTo("to stderr\n");
	}

	@Test
	void reportsTheExitCodeOfAFailedCommand() {
		KubectlResult result = this.kubectl.run("fail", "3");

		assertThat(result.exitCode()).isEqualTo(3);
		assertThat(result.succeeded()).isFalse();
		assertThat(result.stderr()).contains("error: something broke");
	}

	@Test
	void requireSuccessFailsWithTheCommandAndWhatKubectlPrinted() {
		KubectlResult result = this.kubectl.run("fail", "1");

		assertThatThrownBy(result::requireSuccess).isInstanceOf(AssertionError.class)
			.hasMessageContaining("kubectl fail 1")
			.hasMessageContaining("exit code: 1")
			.hasMessageContaining("error: something broke");
		assertThat(result.requireFailure()).isSameAs(result);
	}

	@Test
	void requireFailureFailsWhenTheCommandSucceeded() {
		KubectlResult result = this.kubectl.run("version");

		assertThatThrownBy(result::requireFailure).isInstanceOf(AssertionError.class)
			.hasMessageContaining("expected a failure");
	}

	@Test
	void feedsStdinToKubectl() {
		KubectlResult result = this.kubectl.runWithInput("kind: Namespace\n", "cat");

		assertThat(result.stdout()).isEqualTo("kind: Namespace\n");
	}

	@Test
	void givesKubectlOnlyPathHomeKubeconfigAndTheAddedVariables() {
		KubectlResult result = this.kubectl.withEnvironment("KUBE_EDITOR", "sed -i s/a/b/").run("env");

		assertThat(result.stdout().lines().map((line) -> line.substring(0, line.indexOf('='))))
			.contains("PATH", "HOME", "KUBECONFIG", "KUBE_EDITOR")
			.doesNotContain("JAVA_HOME", "USER");
		assertThat(result.stdout()).contains("KUBE_EDITOR=sed -i s/a/b/");
	}

	@Test
	void killsACommandThatOutlivesItsTimeoutAndSaysWhich() {
		Kubectl impatient = this.kubectl.withTimeout(Duration.ofMillis(300));

		assertThatThrownBy(() -> impatient.run("sleep")).isInstanceOf(AssertionError.class)
			.hasMessageContaining("did not finish within PT0.3S")
			.hasMessageContaining("kubectl sleep");
	}

	@Test
	void aBackgroundCommandShowsItsOutputAsItArrivesAndStopsOnRequest() {
		try (KubectlProcess watch = this.kubectl.start("lines")) {
			String seen = watch.awaitStdout((out) -> out.contains("line 3"), Duration.ofSeconds(10));

			assertThat(seen).contains("line 1", "line 2", "line 3");
			assertThat(watch.isAlive()).isTrue();
			KubectlResult stopped = watch.stop();
			assertThat(watch.isAlive()).isFalse();
			assertThat(stopped.stdout()).startsWith("line 1\n");
		}
	}

	@Test
	void awaitingOutputThatNeverComesFailsWithWhatWasPrinted() {
		try (KubectlProcess watch = this.kubectl.start("lines")) {
			assertThatThrownBy(() -> watch.awaitStdout((out) -> out.contains("never"), Duration.ofMillis(300)))
				.isInstanceOf(AssertionError.class)
				.hasMessageContaining("did not print what was expected within PT0.3S")
				.hasMessageContaining("line 1");
		}
	}

	@Test
	void awaitingOutputFromACommandThatExitedFailsAtOnce() {
		try (KubectlProcess failed = this.kubectl.start("fail", "2")) {
			assertThatThrownBy(() -> failed.awaitStdout((out) -> out.contains("never"), Duration.ofSeconds(30)))
				.isInstanceOf(AssertionError.class)
				.hasMessageContaining("exited before printing what was expected")
				.hasMessageContaining("error: something broke");
		}
	}

}
