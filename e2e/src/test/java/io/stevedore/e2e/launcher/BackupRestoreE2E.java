package io.stevedore.e2e.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import io.stevedore.testsupport.kubectl.Kubectl;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./stevedore backup FILE} of a running cluster and {@code restore FILE} into the
 * stopped one: objects come back with their uids and Service IPs, what was written after
 * the backup is gone, and every misuse is refused without touching the state.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
// Its own cluster: may run beside the other classes (junit-platform.properties, off).
@Execution(ExecutionMode.CONCURRENT)
class BackupRestoreE2E {

	@TempDir
	static Path temp;

	static StevedoreCommand stevedore;

	static Kubectl kubectl;

	@BeforeAll
	static void setUp() {
		Path home = temp.resolve("home");
		stevedore = StevedoreCommand.of(temp.resolve("state"), home, FreePorts.next());
		kubectl = Kubectl.forKubeconfig(temp.resolve("state").resolve("kubeconfig"), home);
	}

	@AfterAll
	static void tearDown() {
		if (stevedore != null) {
			stevedore.run("down", "--purge");
		}
	}

	@Test
	void aBackupRestoresTheClusterAsItWasAndMisusesAreRefused() throws IOException {
		Path backup = temp.resolve("cluster.backup");
		StevedoreCommand.Result notUp = stevedore.run("backup", backup.toString());
		assertThat(notUp.exitCode()).as(notUp.toString()).isNotZero();
		assertThat(notUp.output()).contains("not up");
		assertThat(backup).doesNotExist();

		StevedoreCommand.Result up = stevedore.run("up", "--nodes", "0");
		assertThat(up.exitCode()).as(up.toString()).isZero();
		kubectl.run("create", "namespace", "shop").requireSuccess();
		kubectl.run("-n", "shop", "create", "configmap", "settings", "--from-literal=color=blue").requireSuccess();
		kubectl.run("-n", "shop", "create", "service", "clusterip", "web", "--tcp=80:8080").requireSuccess();
		String uid = jsonpath("configmap", "settings", "{.metadata.uid}");
		String clusterIp = jsonpath("service", "web", "{.spec.clusterIP}");

		StevedoreCommand.Result saved = stevedore.run("backup", backup.toString());
		assertThat(saved.exitCode()).as(saved.toString()).isZero();
		assertThat(saved.output()).containsPattern("saved \\d+ keys at revision \\d+ to " + backup);
		byte[] content = Files.readAllBytes(backup);

		StevedoreCommand.Result again = stevedore.run("backup", backup.toString());
		assertThat(again.exitCode()).isNotZero();
		assertThat(again.output()).contains("already exists");
		assertThat(Files.readAllBytes(backup)).isEqualTo(content);

		StevedoreCommand.Result whileUp = stevedore.run("restore", backup.toString());
		assertThat(whileUp.exitCode()).isNotZero();
		assertThat(whileUp.output()).contains("the cluster is up").contains("./stevedore down");
		assertThat(jsonpath("configmap", "settings", "{.metadata.uid}")).isEqualTo(uid);

		kubectl.run("-n", "shop", "create", "configmap", "after-backup").requireSuccess();
		assertThat(stevedore.run("down").exitCode()).isZero();

		Path notABackup = temp.resolve("list.yaml");
		Files.writeString(notABackup, "apiVersion: v1\nkind: List\nitems: []\n");
		StevedoreCommand.Result wrongFile = stevedore.run("restore", notABackup.toString());
		assertThat(wrongFile.exitCode()).isNotZero();
		assertThat(wrongFile.output()).contains("is not a Stevedore backup");
		assertThat(dataDirectories()).containsExactly("apiserver");

		StevedoreCommand.Result restored = stevedore.run("restore", backup.toString());
		assertThat(restored.exitCode()).as(restored.toString()).isZero();
		assertThat(restored.output()).contains("moved the current state aside");
		assertThat(jsonpath("configmap", "settings", "{.metadata.uid}")).isEqualTo(uid);
		assertThat(jsonpath("configmap", "settings", "{.data.color}")).isEqualTo("blue");
		assertThat(jsonpath("service", "web", "{.spec.clusterIP}")).isEqualTo(clusterIp);
		assertThat(kubectl.run("-n", "shop", "get", "configmap", "after-backup").exitCode()).isNotZero();
		assertThat(dataDirectories()).anyMatch((name) -> name.startsWith("apiserver.before-restore-"));
	}

	private static java.util.List<String> dataDirectories() throws IOException {
		try (Stream<Path> data = Files.list(temp.resolve("state/data"))) {
			return data.map(Path::getFileName).map(Path::toString).toList();
		}
	}

	private static String jsonpath(String kind, String name, String expression) {
		return kubectl.run("-n", "shop", "get", kind, name, "-o", "jsonpath=" + expression).requireSuccess().stdout();
	}

}
