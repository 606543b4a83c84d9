package io.stevedore.e2e.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./stevedore test} on a copy of the launcher whose {@code mvnw}, {@code apt-get}
 * and {@code dpkg-query} are fakes that record how they were called: what it installs,
 * when, and how it hands over to Maven, without touching this machine's packages.
 */
class StevedoreTestCommandE2E {

	@TempDir
	Path temp;

	private Path root;

	private Path bin;

	private Path log;

	@BeforeEach
	void copyTheLauncherWithFakeTools() throws IOException {
		this.root = Files.createDirectories(this.temp.resolve("checkout"));
		this.bin = Files.createDirectories(this.temp.resolve("bin"));
		this.log = this.temp.resolve("calls.log");
		Path real = StevedoreCommand.repositoryRoot();
		Files.copy(real.resolve("stevedore"), this.root.resolve("stevedore"), StandardCopyOption.COPY_ATTRIBUTES);
		Files.copy(real.resolve("pom.xml"), this.root.resolve("pom.xml"));
		try (Stream<Path> files = Files.walk(real.resolve("scripts"))) {
			for (Path file : files.toList()) {
				Path target = this.root.resolve(real.relativize(file));
				if (Files.isDirectory(file)) {
					Files.createDirectories(target);
				}
				else {
					Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
				}
			}
		}
		script(this.root.resolve("mvnw"), "echo \"mvnw $*\" >>'" + this.log + "'");
		script(this.bin.resolve("apt-get"), "echo \"apt-get $*\" >>'" + this.log + "'");
	}

	@Test
	void installsOnlyTheMissingPackagesAfterOneAptGetUpdateThenRunsMavenVerify() throws IOException {
		dpkgQueryReportsMissing("redis-server", "busybox-static");

		StevedoreCommand.Result result = run("-pl", "e2e", "-am");

		assertThat(result.exitCode()).as(result.toString()).isZero();
		assertThat(result.stdout()).contains("installing what the tests need: redis-server busybox-static");
		assertThat(calls()).containsExactly("apt-get update -q",
				"apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confdef "
						+ "-o Dpkg::Options::=--force-confold redis-server busybox-static",
				"mvnw -B verify -pl e2e -am");
	}

	@Test
	void installsNothingWhenEverythingIsThere() throws IOException {
		dpkgQueryReportsMissing();

		StevedoreCommand.Result result = run();

		assertThat(result.exitCode()).as(result.toString()).isZero();
		assertThat(calls()).containsExactly("mvnw -B verify");
	}

	@Test
	void withoutRootOrPasswordlessSudoItSaysWhatToInstall() throws IOException {
		dpkgQueryReportsMissing("docker-registry");
		script(this.bin.resolve("id"), "echo 1000");
		script(this.bin.resolve("sudo"), "exit 1");

		StevedoreCommand.Result result = run();

		assertThat(result.exitCode()).isEqualTo(1);
		assertThat(result.stderr()).contains("installing docker-registry needs root")
			.contains("sudo apt-get install -y docker-registry");
		assertThat(calls()).doesNotContain("mvnw -B verify");
	}

	@Test
	void aFailingInstallStopsBeforeTheTests() throws IOException {
		dpkgQueryReportsMissing("docker.io");
		script(this.bin.resolve("apt-get"), "echo \"apt-get $*\" >>'" + this.log + "'; [ \"$1\" = update ]");

		StevedoreCommand.Result result = run();

		assertThat(result.exitCode()).isEqualTo(1);
		assertThat(result.stderr()).contains("apt-get could not install docker.io");
		assertThat(calls()).noneMatch((call) -> call.startsWith("mvnw"));
	}

	private StevedoreCommand.Result run(String... mavenArgs) {
		String[] args = Stream.concat(Stream.of("test"), Stream.of(mavenArgs)).toArray(String[]::new);
		return StevedoreCommand.of(this.temp.resolve("state"), this.temp.resolve("home"), 1)
			.withScript(this.root.resolve("stevedore"))
			.with("PATH", this.bin + ":" + System.getenv("PATH"))
			.run(args);
	}

	private void dpkgQueryReportsMissing(String... packages) throws IOException {
		StringBuilder body = new StringBuilder("case \"$*\" in\n");
		for (String name : packages) {
			body.append("*\" ").append(name).append("\") exit 1 ;;\n");
		}
		body.append("esac\nprintf 'install ok installed'");
		script(this.bin.resolve("dpkg-query"), body.toString());
	}

	private List<String> calls() throws IOException {
		return Files.exists(this.log) ? Files.readAllLines(this.log) : List.of();
	}

	private static void script(Path file, String body) throws IOException {
		Files.writeString(file, "#!/bin/sh\n" + body + "\n");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
	}

}
