package io.stevedore.nodeagent.pod;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvResolverTest {

	private final Map<String, ConfigMap> configMaps = Map.of("ns/settings",
			new ConfigMapBuilder().addToData("MODE", "fast").addToData("LEVEL", "3").build());

	private final Map<String, Secret> secrets = Map.of("ns/creds",
			new SecretBuilder()
				.addToData("password", Base64.getEncoder().encodeToString("hunter2".getBytes(StandardCharsets.UTF_8)))
				.build());

	private final EnvResolver resolver = new EnvResolver(new ApiObjects() {
		@Override
		public ConfigMap configMap(String namespace, String name) {
			return EnvResolverTest.this.configMaps.get(namespace + "/" + name);
		}

		@Override
		public Secret secret(String namespace, String name) {
			return EnvResolverTest.this.secrets.get(namespace + "/" + name);
		}
	});

	private final Pod pod = new PodBuilder().withNewMetadata()
		.withName("web-1")
		.withNamespace("ns")
		.withUid("u-1")
		.addToLabels("app", "web")
		.endMetadata()
		.withNewSpec()
		.withNodeName("node-a")
		.withServiceAccountName("builder")
		.endSpec()
		.build();

	@Test
	void envFromComesFirstThenEnvInOrderWithExpansionOfEarlierValues() throws Exception {
		Container container = new ContainerBuilder().withName("c")
			.addNewEnvFrom()
			.withPrefix("CFG_")
			.withNewConfigMapRef("settings", false)
			.endEnvFrom()
			.addNewEnv()
			.withName("URL")
			.withValue("http://$(CFG_MODE):$(PORT)/$(MISSING)")
			.endEnv()
			.addNewEnv()
			.withName("PORT")
			.withValue("80")
			.endEnv()
			.build();
		assertThat(this.resolver.resolve(this.pod, container, "10.0.0.5", "192.168.1.2"))
			.containsExactly("CFG_MODE=fast", "CFG_LEVEL=3", "URL=http://fast:$(PORT)/$(MISSING)", "PORT=80");
	}

	@Test
	void fieldRefsGiveThePodsIdentityNodeAndAddresses() throws Exception {
		Container container = new ContainerBuilder().withName("c")
			.addNewEnv()
			.withName("NAME")
			.withNewValueFrom()
			.withNewFieldRef("v1", "metadata.name")
			.endValueFrom()
			.endEnv()
			.addNewEnv()
			.withName("APP")
			.withNewValueFrom()
			.withNewFieldRef("v1", "metadata.labels['app']")
			.endValueFrom()
			.endEnv()
			.addNewEnv()
			.withName("NODE")
			.withNewValueFrom()
			.withNewFieldRef("v1", "spec.nodeName")
			.endValueFrom()
			.endEnv()
			.addNewEnv()
			.withName("SA")
			.withNewValueFrom()
			.withNewFieldRef("v1", "spec.serviceAccountName")
			.endValueFrom()
			.endEnv()
			.addNewEnv()
			.withName("IP")
			.withNewValueFrom()
			.withNewFieldRef("v1", "status.podIP")
			.endValueFrom()
			.endEnv()
			.addNewEnv()
			.withName("HOST")
			.withNewValueFrom()
			.withNewFieldRef("v1", "status.hostIP")
			.endValueFrom()
			.endEnv()
			.build();
		assertThat(this.resolver.resolve(this.pod, container, "10.0.0.5", "192.168.1.2")).containsExactly("NAME=web-1",
				"APP=web", "NODE=node-a", "SA=builder", "IP=10.0.0.5", "HOST=192.168.1.2");
	}

	@Test
	void secretsAreDecodedAndResourceFieldRefsUseTheDivisor() throws Exception {
		Container container = new ContainerBuilder().withName("c")
			.withNewResources()
			.addToLimits("memory", new Quantity("64Mi"))
			.endResources()
			.addNewEnv()
			.withName("PASSWORD")
			.withNewValueFrom()
			.withNewSecretKeyRef("password", "creds", false)
			.endValueFrom()
			.endEnv()
			.addNewEnv()
			.withName("MEM_MI")
			.withNewValueFrom()
			.withNewResourceFieldRef()
			.withContainerName("c")
			.withDivisor(new Quantity("1Mi"))
			.withResource("limits.memory")
			.endResourceFieldRef()
			.endValueFrom()
			.endEnv()
			.build();
		assertThat(this.resolver.resolve(this.pod, container, "", "")).containsExactly("PASSWORD=hunter2", "MEM_MI=64");
	}

	@Test
	void anOptionalReferenceToSomethingMissingIsSkippedAndARequiredOneNamesIt() throws Exception {
		Container optional = new ContainerBuilder().withName("c")
			.addNewEnv()
			.withName("X")
			.withNewValueFrom()
			.withNewSecretKeyRef("key", "absent", true)
			.endValueFrom()
			.endEnv()
			.build();
		assertThat(this.resolver.resolve(this.pod, optional, "", "")).isEmpty();
		Container required = new ContainerBuilder().withName("c")
			.addNewEnv()
			.withName("X")
			.withNewValueFrom()
			.withNewSecretKeyRef("key", "absent", false)
			.endValueFrom()
			.endEnv()
			.build();
		assertThatThrownBy(() -> this.resolver.resolve(this.pod, required, "", ""))
			.isInstanceOf(ContainerConfigException.class)
			.hasMessage("secret \"absent\" not found");
	}

}
