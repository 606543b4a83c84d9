package io.stevedore.nodeagent.pod;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** projected and downwardAPI volumes on disk, with a fake TokenRequest API. */
class ProjectedVolumesTest {

	@TempDir
	Path root;

	final TokenManagerTest.MutableClock clock = new TokenManagerTest.MutableClock(
			Instant.parse("2026-01-01T00:00:00Z"));

	final Map<String, ConfigMap> configMaps = new HashMap<>();

	final Map<String, Secret> secrets = new HashMap<>();

	final List<String> requests = new ArrayList<>();

	final ApiObjects objects = new ApiObjects() {
		@Override
		public ConfigMap configMap(String namespace, String name) {
			return ProjectedVolumesTest.this.configMaps.get(namespace + "/" + name);
		}

		@Override
		public Secret secret(String namespace, String name) {
			return ProjectedVolumesTest.this.secrets.get(namespace + "/" + name);
		}
	};

	final TokenManager tokens = new TokenManager((pod, audience, seconds) -> {
		this.requests.add(pod.getSpec().getServiceAccountName() + " for " + pod.getMetadata().getUid() + " aud="
				+ audience + " exp=" + seconds);
		return TokenManagerTest.issued("jwt-" + this.requests.size(), this.clock.instant().plusSeconds(seconds));
	}, this.clock);

	/** After @TempDir has set the root. */
	private VolumeManager manager() {
		return new VolumeManager(this.root, this.objects, this.tokens);
	}

	@Test
	void theKubeApiAccessVolumeHoldsTheTokenTheCaAndTheNamespaceReadableByAll() throws Exception {
		this.configMaps.put("team/kube-root-ca.crt",
				new ConfigMapBuilder().addToData("ca.crt", "PEM").addToData("other", "x").build());
		Pod pod = pod().editSpec()
			.addNewVolume()
			.withName("kube-api-access-abcde")
			.withNewProjected()
			.withDefaultMode(0644)
			.addNewSource()
			.withNewServiceAccountToken()
			.withPath("token")
			.withExpirationSeconds(3607L)
			.endServiceAccountToken()
			.endSource()
			.addNewSource()
			.withNewConfigMap()
			.withName("kube-root-ca.crt")
			.addNewItem("ca.crt", null, "ca.crt")
			.endConfigMap()
			.endSource()
			.addNewSource()
			.withNewDownwardAPI()
			.addNewItem()
			.withPath("namespace")
			.withNewFieldRef("v1", "metadata.namespace")
			.endItem()
			.endDownwardAPI()
			.endSource()
			.endProjected()
			.endVolume()
			.endSpec()
			.build();

		Path dir = manager().setUp(pod).get("kube-api-access-abcde");

		assertThat(dir.toString()).endsWith("pods/uid-1/volumes/kubernetes.io~projected/kube-api-access-abcde");
		assertThat(Files.readString(dir.resolve("token"))).isEqualTo("jwt-1");
		assertThat(Files.readString(dir.resolve("ca.crt"))).isEqualTo("PEM");
		assertThat(Files.readString(dir.resolve("namespace"))).isEqualTo("team");
		assertThat(dir.resolve("other")).doesNotExist();
		for (String file : List.of("token", "ca.crt", "namespace")) {
			assertThat(mode(dir.resolve(file))).isEqualTo("rw-r--r--");
		}
		assertThat(this.requests).containsExactly("robot for uid-1 aud=null exp=3607");

		// A sync before 80 % of the hour reuses the token; one after writes a new one
		// into the running pod's directory.
		this.clock.advance(java.time.Duration.ofMinutes(40));
		manager().setUp(pod);
		assertThat(Files.readString(dir.resolve("token"))).isEqualTo("jwt-1");
		this.clock.advance(java.time.Duration.ofMinutes(9));
		manager().setUp(pod);
		assertThat(Files.readString(dir.resolve("token"))).isEqualTo("jwt-2");
	}

	@Test
	void projectedSecretsAndItemModesAreHonouredAndAnOptionalMissingSourceIsSkipped() throws Exception {
		this.secrets.put("team/creds",
				new SecretBuilder().addToData("user", java.util.Base64.getEncoder().encodeToString("admin".getBytes()))
					.build());
		Pod pod = pod().editSpec()
			.addNewVolume()
			.withName("all")
			.withNewProjected()
			.withDefaultMode(0440)
			.addNewSource()
			.withNewSecret()
			.withName("creds")
			.addNewItem("user", 0400, "db/user")
			.endSecret()
			.endSource()
			.addNewSource()
			.withNewConfigMap()
			.withName("absent")
			.withOptional(true)
			.endConfigMap()
			.endSource()
			.addNewSource()
			.withNewDownwardAPI()
			.addNewItem()
			.withPath("name")
			.withNewFieldRef("v1", "metadata.name")
			.endItem()
			.endDownwardAPI()
			.endSource()
			.endProjected()
			.endVolume()
			.endSpec()
			.build();
		Path dir = manager().setUp(pod).get("all");
		assertThat(Files.readString(dir.resolve("db/user"))).isEqualTo("admin");
		assertThat(mode(dir.resolve("db/user"))).isEqualTo("r--------");
		assertThat(Files.readString(dir.resolve("name"))).isEqualTo("web");
		assertThat(mode(dir.resolve("name"))).isEqualTo("r--r-----");
	}

	@Test
	void aMissingConfigMapOfAProjectionFailsTheMountNamingItAndWritesNothing() {
		Pod pod = pod().editSpec()
			.addNewVolume()
			.withName("all")
			.withNewProjected()
			.addNewSource()
			.withNewConfigMap()
			.withName("kube-root-ca.crt")
			.endConfigMap()
			.endSource()
			.endProjected()
			.endVolume()
			.endSpec()
			.build();
		assertThatThrownBy(() -> manager().setUp(pod)).isInstanceOf(VolumeException.class)
			.hasMessage("MountVolume.SetUp failed for volume \"all\" : couldn't get configMap team/kube-root-ca.crt: "
					+ "configmap \"kube-root-ca.crt\" not found");
		assertThat(this.root.resolve("pods/uid-1/volumes/kubernetes.io~projected/all")).doesNotExist();
	}

	@Test
	void aDownwardApiVolumeHoldsThePodsFieldsAndAContainersResourcesInTheDivisorsUnit() throws Exception {
		Pod pod = pod().editMetadata()
			.addToLabels("app", "web")
			.addToLabels("tier", "front")
			.addToAnnotations("note", "hi")
			.endMetadata()
			.editSpec()
			.editFirstContainer()
			.withNewResources()
			.addToLimits("memory", new Quantity("64Mi"))
			.addToRequests("cpu", new Quantity("250m"))
			.endResources()
			.endContainer()
			.addNewVolume()
			.withName("info")
			.withNewDownwardAPI()
			.addNewItem()
			.withPath("labels")
			.withNewFieldRef("v1", "metadata.labels")
			.endItem()
			.addNewItem()
			.withPath("annotations")
			.withNewFieldRef("v1", "metadata.annotations")
			.withMode(0600)
			.endItem()
			.addNewItem()
			.withPath("uid")
			.withNewFieldRef("v1", "metadata.uid")
			.endItem()
			.addNewItem()
			.withPath("mem")
			.withResourceFieldRef(new io.fabric8.kubernetes.api.model.ResourceFieldSelector("main", new Quantity("1Mi"),
					"limits.memory"))
			.endItem()
			.addNewItem()
			.withPath("cpu")
			.withResourceFieldRef(new io.fabric8.kubernetes.api.model.ResourceFieldSelector("main", new Quantity("1m"),
					"requests.cpu"))
			.endItem()
			.endDownwardAPI()
			.endVolume()
			.endSpec()
			.build();
		Path dir = manager().setUp(pod).get("info");
		assertThat(dir.toString()).contains("kubernetes.io~downward-api");
		assertThat(Files.readString(dir.resolve("labels"))).isEqualTo("app=\"web\"\ntier=\"front\"");
		assertThat(Files.readString(dir.resolve("annotations"))).isEqualTo("note=\"hi\"");
		assertThat(mode(dir.resolve("annotations"))).isEqualTo("rw-------");
		assertThat(mode(dir.resolve("labels"))).isEqualTo("rw-r--r--");
		assertThat(Files.readString(dir.resolve("uid"))).isEqualTo("uid-1");
		assertThat(Files.readString(dir.resolve("mem"))).isEqualTo("64");
		assertThat(Files.readString(dir.resolve("cpu"))).isEqualTo("250");

		Pod relabelled = new PodBuilder(pod).editMetadata().addToLabels("tier", "back").endMetadata().build();
		manager().setUp(relabelled);
		assertThat(Files.readString(dir.resolve("labels"))).isEqualTo("app=\"web\"\ntier=\"back\"");
	}

	@Test
	void aNodeWithoutATokenApiFailsATokenProjectionInsteadOfStartingWithoutIt() {
		VolumeManager plain = new VolumeManager(this.root, new ApiObjects() {
			@Override
			public ConfigMap configMap(String namespace, String name) {
				return null;
			}

			@Override
			public Secret secret(String namespace, String name) {
				return null;
			}
		});
		Pod pod = pod().editSpec()
			.addNewVolume()
			.withName("t")
			.withNewProjected()
			.addNewSource()
			.withNewServiceAccountToken()
			.withPath("token")
			.endServiceAccountToken()
			.endSource()
			.endProjected()
			.endVolume()
			.endSpec()
			.build();
		assertThatThrownBy(() -> plain.setUp(pod)).isInstanceOf(VolumeException.class)
			.hasMessageContaining("failed to fetch token");
	}

	private static String mode(Path file) throws Exception {
		return PosixFilePermissions.toString(Files.getPosixFilePermissions(file.toRealPath()));
	}

	private static PodBuilder pod() {
		return new PodBuilder().withNewMetadata()
			.withName("web")
			.withNamespace("team")
			.withUid("uid-1")
			.endMetadata()
			.withNewSpec()
			.withServiceAccountName("robot")
			.addNewContainer()
			.withName("main")
			.withImage("busybox")
			.endContainer()
			.endSpec();
	}

}
