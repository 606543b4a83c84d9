package io.stevedore.e2e.packaging;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Helm chart helm/stevedore, linted and rendered by the real Helm (helm-java's native
 * library), the rendered manifests read back as Kubernetes objects.
 */
class HelmChartTest {

	private static final Path CHART = Path.of("..", "helm", "stevedore").toAbsolutePath().normalize();

	private static final List<String> COMPONENTS = List.of("gateway", "apiserver", "scheduler", "controllers");

	@Test
	void lintsCleanInStrictMode() {
		LintResult result = new Helm(CHART).lint().strict().call();

		assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
	}

	@Test
	void defaultValuesRenderTheControlPlaneWithBundledRedis() {
		Map<String, HasMetadata> objects = render(template());

		for (String component : COMPONENTS) {
			Deployment deployment = get(objects, "Deployment", "rel-stevedore-" + component);
			PodSpec pod = deployment.getSpec().getTemplate().getSpec();
			assertThat(pod.getServiceAccountName()).isEqualTo("rel-stevedore-" + component);
			assertThat(pod.getAutomountServiceAccountToken()).as(component + " mounts no Kubernetes token").isFalse();
			Container container = pod.getContainers().get(0);
			assertThat(container.getImage()).startsWith("stevedore/");
			assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
			assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
			assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
			get(objects, "ServiceAccount", "rel-stevedore-" + component);
		}
		assertThat(replicas(objects, "apiserver")).isEqualTo(2);
		assertThat(replicas(objects, "gateway")).isEqualTo(1);
		assertThat(env(objects, "apiserver")).containsEntry("STEVEDORE_STORAGE_URL",
				"redis://rel-stevedore-redis:6379");
		assertThat(env(objects, "gateway")).containsEntry("STEVEDORE_GATEWAY_UPSTREAMS",
				"http://rel-stevedore-apiserver:8080");
		assertThat(env(objects, "scheduler")).containsEntry("STEVEDORE_APISERVER_URL",
				"http://rel-stevedore-apiserver:8080");
		assertThat(env(objects, "gateway")).containsEntry("STEVEDORE_GATEWAY_TLS_SERVER",
				"https://rel-stevedore-gateway.ns.svc:6443");
		assertThat(env(objects, "controllers")).containsEntry("STEVEDORE_CONTROLLERS_ENABLED", "*");
		assertThat(container(objects, "gateway").getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");

		StatefulSet redis = get(objects, "StatefulSet", "rel-stevedore-redis");
		assertThat(redis.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
			.containsSequence("--appendonly", "yes")
			.containsSequence("--appendfsync", "always");
		assertThat(redis.getSpec().getVolumeClaimTemplates()).hasSize(1);
		assertThat(((Service) get(objects, "Service", "rel-stevedore-gateway")).getSpec().getType())
			.isEqualTo("ClusterIP");
		// The components need nothing from the hosting cluster's API: no RBAC objects
		// there.
		assertThat(objects.values()).noneMatch((o) -> o.getApiVersion().startsWith("rbac.authorization.k8s.io"));
	}

	@Test
	void theCaIsMadeOnceAtInstallAndTheApiserverOnlyAcceptsTheControlPlane() {
		Map<String, HasMetadata> objects = render(template());
		// A pre-install hook: not part of the release's manifest, so upgrades never
		// replace it.
		assertThat(objects).doesNotContainKey("Secret/rel-stevedore-ca");
		PodSpec gateway = ((Deployment) get(objects, "Deployment", "rel-stevedore-gateway")).getSpec()
			.getTemplate()
			.getSpec();
		assertThat(gateway.getInitContainers()).singleElement()
			.satisfies(
					(init) -> assertThat(String.join(" ", init.getCommand())).contains("ca.crt", "ca.key", "sa.key"));
		assertThat(gateway.getVolumes())
			.anyMatch((v) -> v.getSecret() != null && "rel-stevedore-ca".equals(v.getSecret().getSecretName()));

		Secret ca = get(render(template().set("gateway.pki.hook", false)), "Secret", "rel-stevedore-ca");
		assertThat(ca.getMetadata().getAnnotations()).doesNotContainKey("helm.sh/hook");
		assertThat(decode(ca.getData().get("ca.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
		assertThat(decode(ca.getData().get("ca.key"))).contains("PRIVATE KEY");
		assertThat(decode(ca.getData().get("sa.key"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");

		NetworkPolicy apiserver = get(objects, "NetworkPolicy", "rel-stevedore-apiserver");
		assertThat(apiserver.getSpec().getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component",
				"apiserver");
		assertThat(apiserver.getSpec().getIngress()).singleElement()
			.satisfies((rule) -> assertThat(rule.getFrom().get(0).getPodSelector().getMatchExpressions()).anySatisfy(
					(e) -> assertThat(e.getValues()).containsExactlyInAnyOrder("gateway", "scheduler", "controllers")));
		NetworkPolicy redis = get(objects, "NetworkPolicy", "rel-stevedore-redis");
		assertThat(redis.getSpec().getIngress().get(0).getFrom().get(0).getPodSelector().getMatchLabels())
			.containsEntry("app.kubernetes.io/component", "apiserver");
	}

	@Test
	void externalRedisAndReplicaOverrides() {
		Map<String, HasMetadata> objects = render(template().set("redis.external.url", "redis://redis.example:6379")
			.set("apiserver.replicas", 3)
			.set("gateway.replicas", 2)
			.set("scheduler.replicas", 2)
			.set("controllers.replicas", 2)
			.set("gateway.service.type", "LoadBalancer"));

		assertThat(objects.values()).noneMatch((o) -> o.getMetadata().getName().equals("rel-stevedore-redis"));
		assertThat(objects.keySet()).noneMatch((key) -> key.startsWith("StatefulSet/"));
		assertThat(replicas(objects, "apiserver")).isEqualTo(3);
		assertThat(replicas(objects, "gateway")).isEqualTo(2);
		assertThat(replicas(objects, "scheduler")).isEqualTo(2);
		assertThat(replicas(objects, "controllers")).isEqualTo(2);
		EnvVar storage = container(objects, "apiserver").getEnv()
			.stream()
			.filter((e) -> e.getName().equals("STEVEDORE_STORAGE_URL"))
			.findFirst()
			.orElseThrow();
		assertThat(storage.getValueFrom().getSecretKeyRef().getName()).isEqualTo("rel-stevedore-redis-url");
		assertThat(decode(((Secret) get(objects, "Secret", "rel-stevedore-redis-url")).getData().get("url")))
			.isEqualTo("redis://redis.example:6379");
		assertThat(((Service) get(objects, "Service", "rel-stevedore-gateway")).getSpec().getType())
			.isEqualTo("LoadBalancer");
		assertThat(objects).doesNotContainKey("NetworkPolicy/rel-stevedore-redis")
			.containsKey("NetworkPolicy/rel-stevedore-apiserver");
	}

	@Test
	void severalApiserversWithoutRedisAreRefused() {
		assertThatThrownBy(() -> template().set("redis.enabled", false).call())
			.hasMessageContaining("apiserver.replicas > 1 needs Redis");

		Map<String, HasMetadata> single = render(template().set("redis.enabled", false).set("apiserver.replicas", 1));
		assertThat(env(single, "apiserver")).containsEntry("STEVEDORE_STORAGE_URL", "")
			.containsEntry("STEVEDORE_DATA_DIR", "/var/lib/stevedore/data");
	}

	private static TemplateCommand template() {
		assertThat(Files.isDirectory(CHART)).as(CHART + " exists").isTrue();
		// The cluster the chart is installed on, as `helm install` would ask it
		// (Kubernetes 1.32).
		return new Helm(CHART).template().withName("rel").withNamespace("ns").withKubeVersion("1.32.0");
	}

	/** The rendered objects by "Kind/name" (helm-java's template leaves hooks out). */
	private static Map<String, HasMetadata> render(TemplateCommand command) {
		String manifests = command.call();
		List<HasMetadata> objects = new ArrayList<>();
		for (String document : manifests.split("(?m)^---\\s*$")) {
			boolean empty = document.lines().allMatch((line) -> line.isBlank() || line.strip().startsWith("#"));
			if (!empty) {
				objects.add(Serialization.unmarshal(document, HasMetadata.class));
			}
		}
		return objects.stream()
			.collect(Collectors.toMap((o) -> o.getKind() + "/" + o.getMetadata().getName(), Function.identity()));
	}

	@SuppressWarnings("unchecked")
	private static <T extends HasMetadata> T get(Map<String, HasMetadata> objects, String kind, String name) {
		HasMetadata object = objects.get(kind + "/" + name);
		assertThat(object).as(kind + "/" + name + " among " + objects.keySet()).isNotNull();
		return (T) object;
	}

	private static int replicas(Map<String, HasMetadata> objects, String component) {
		return ((Deployment) get(objects, "Deployment", "rel-stevedore-" + component)).getSpec().getReplicas();
	}

	private static Container container(Map<String, HasMetadata> objects, String component) {
		return ((Deployment) get(objects, "Deployment", "rel-stevedore-" + component)).getSpec()
			.getTemplate()
			.getSpec()
			.getContainers()
			.get(0);
	}

	private static Map<String, String> env(Map<String, HasMetadata> objects, String component) {
		return container(objects, component).getEnv()
			.stream()
			.filter((e) -> e.getValue() != null)
			.collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
	}

	private static String decode(String base64) {
		return new String(java.util.Base64.getDecoder().decode(base64), java.nio.charset.StandardCharsets.UTF_8);
	}

}
