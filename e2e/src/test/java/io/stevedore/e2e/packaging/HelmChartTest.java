package io.stevedore.e2e.packaging;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
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
import io.fabric8.kubernetes.client.internal.CertUtils;
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
				"https://rel-stevedore-gateway.ns.svc:6443");
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
			.satisfies((rule) -> assertThat(rule.getFrom().get(0).getPodSelector().getMatchExpressions())
				.anySatisfy((e) -> assertThat(e.getValues()).containsExactly("gateway")));
		NetworkPolicy redis = get(objects, "NetworkPolicy", "rel-stevedore-redis");
		assertThat(redis.getSpec().getIngress().get(0).getFrom().get(0).getPodSelector().getMatchLabels())
			.containsEntry("app.kubernetes.io/component", "apiserver");
	}

	@Test
	void admissionIsCalledByEveryApiserverOnAPortOnlyTheyMayReach() {
		Map<String, HasMetadata> objects = render(template());
		assertThat(env(objects, "apiserver")).containsEntry("STEVEDORE_APISERVER_ADMISSION_URL",
				"http://rel-stevedore-gateway-admission:6444");
		assertThat(env(objects, "gateway")).containsEntry("STEVEDORE_GATEWAY_ADMISSION_ADDRESS", "0.0.0.0")
			.containsEntry("STEVEDORE_GATEWAY_ADMISSION_PORT", "6444")
			.containsEntry("STEVEDORE_GATEWAY_ADMISSION_SERVICEACCOUNTTOKENVOLUME", "true")
			// Short DefaultTolerationSeconds, as ./stevedore up and docker-compose.
			.containsEntry("STEVEDORE_GATEWAY_ADMISSION_DEFAULTNOTREADYTOLERATIONSECONDS", "5")
			.containsEntry("STEVEDORE_GATEWAY_ADMISSION_DEFAULTUNREACHABLETOLERATIONSECONDS", "5");
		assertThat(container(objects, "gateway").getPorts())
			.anySatisfy((port) -> assertThat(port.getName()).isEqualTo("admission"));
		Service admission = get(objects, "Service", "rel-stevedore-gateway-admission");
		assertThat(admission.getSpec().getType()).isEqualTo("ClusterIP");
		assertThat(admission.getSpec().getPorts()).singleElement()
			.satisfies((port) -> assertThat(port.getPort()).isEqualTo(6444));
		// The gateway's own Service (maybe a LoadBalancer) does not carry it.
		assertThat(((Service) get(objects, "Service", "rel-stevedore-gateway")).getSpec().getPorts())
			.noneMatch((port) -> port.getPort() == 6444);
		NetworkPolicy gateway = get(objects, "NetworkPolicy", "rel-stevedore-gateway");
		assertThat(gateway.getSpec().getIngress()).hasSize(2);
		assertThat(gateway.getSpec().getIngress().get(0).getFrom()).as("the TLS port: every client").isEmpty();
		assertThat(gateway.getSpec().getIngress().get(1).getFrom().get(0).getPodSelector().getMatchLabels())
			.containsEntry("app.kubernetes.io/component", "apiserver");

		Map<String, HasMetadata> without = render(template().set("gateway.admission.enabled", false));
		assertThat(env(without, "apiserver")).doesNotContainKey("STEVEDORE_APISERVER_ADMISSION_URL");
		assertThat(without).doesNotContainKey("Service/rel-stevedore-gateway-admission")
			.doesNotContainKey("NetworkPolicy/rel-stevedore-gateway");
	}

	@Test
	void secretsAreEncryptedAtRestWithAKeyMadeOnceAndTheAuditLogGoesToStandardOutput() {
		Map<String, HasMetadata> objects = render(template());
		// A pre-install hook, like the CA: an upgrade never makes a new key.
		assertThat(objects).doesNotContainKey("Secret/rel-stevedore-encryption");
		assertThat(env(objects, "apiserver")).containsEntry("STEVEDORE_ENCRYPTION_CONFIG",
				"/etc/stevedore/encryption/encryption-config.yaml");
		PodSpec apiserver = ((Deployment) get(objects, "Deployment", "rel-stevedore-apiserver")).getSpec()
			.getTemplate()
			.getSpec();
		assertThat(apiserver.getVolumes())
			.anyMatch((v) -> v.getSecret() != null && "rel-stevedore-encryption".equals(v.getSecret().getSecretName()));
		assertThat(env(objects, "gateway")).containsEntry("STEVEDORE_GATEWAY_AUDIT_PATH", "-")
			.doesNotContainKey("STEVEDORE_GATEWAY_AUDIT_POLICYFILE");

		Secret key = get(render(template().set("apiserver.encryption.hook", false)), "Secret",
				"rel-stevedore-encryption");
		String config = key.getStringData().get("encryption-config.yaml");
		assertThat(config).contains("kind: EncryptionConfiguration", "- aesgcm:", "- identity: {}");
		String secret = config.lines()
			.filter((l) -> l.strip().startsWith("secret: "))
			.findFirst()
			.orElseThrow()
			.strip()
			.substring("secret: ".length());
		assertThat(java.util.Base64.getDecoder().decode(secret)).as("an AES-256 key").hasSize(32);

		Map<String, HasMetadata> off = render(template().set("apiserver.encryption.enabled", false));
		assertThat(env(off, "apiserver")).doesNotContainKey("STEVEDORE_ENCRYPTION_CONFIG");
		Map<String, HasMetadata> existing = render(template().set("apiserver.encryption.existingSecret", "my-keys")
			.set("apiserver.encryption.hook", false));
		assertThat(existing).doesNotContainKey("Secret/rel-stevedore-encryption");
		assertThat(((Deployment) get(existing, "Deployment", "rel-stevedore-apiserver")).getSpec()
			.getTemplate()
			.getSpec()
			.getVolumes()).anyMatch((v) -> v.getSecret() != null && "my-keys".equals(v.getSecret().getSecretName()));
	}

	@Test
	void anAuditPolicyInTheValuesBecomesTheGatewaysPolicyFile() {
		Map<String, HasMetadata> objects = render(template().set("gateway.audit.policy.apiVersion", "audit.k8s.io/v1")
			.set("gateway.audit.policy.kind", "Policy")
			.set("gateway.audit.policy.rules[0].level", "RequestResponse"));
		io.fabric8.kubernetes.api.model.ConfigMap policy = get(objects, "ConfigMap", "rel-stevedore-audit-policy");
		assertThat(policy.getData().get("policy.yaml")).contains("kind: Policy", "level: RequestResponse");
		assertThat(env(objects, "gateway")).containsEntry("STEVEDORE_GATEWAY_AUDIT_POLICYFILE",
				"/etc/stevedore/audit/policy.yaml");
		assertThat(container(objects, "gateway").getVolumeMounts())
			.anyMatch((m) -> m.getMountPath().equals("/etc/stevedore/audit"));
	}

	@Test
	void theSchedulerAndControllersGoThroughTheGatewayWithTheirOwnCertificates() throws Exception {
		Map<String, HasMetadata> objects = render(template().set("gateway.pki.hook", false));
		Secret ca = get(objects, "Secret", "rel-stevedore-ca");
		X509Certificate authority = certificate(decode(ca.getData().get("ca.crt")));
		Map<String, String> users = Map.of("scheduler", "system:kube-scheduler", "controllers",
				"system:kube-controller-manager");
		for (Map.Entry<String, String> user : users.entrySet()) {
			String component = user.getKey();
			String pem = decode(ca.getData().get(component + ".crt"));
			X509Certificate client = certificate(pem);
			client.verify(authority.getPublicKey());
			assertThat(client.getSubjectX500Principal().getName()).isEqualTo("CN=" + user.getValue());
			assertThat(client.getExtendedKeyUsage()).as("client auth").contains("1.3.6.1.5.5.7.3.2");
			// The key as the component's fabric8 client reads it, and it is the
			// certificate's.
			KeyStore keys = CertUtils.createKeyStore(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)),
					new ByteArrayInputStream(
							decode(ca.getData().get(component + ".key")).getBytes(StandardCharsets.UTF_8)),
					"RSA", new char[0], null, new char[0]);
			PrivateKey key = (PrivateKey) keys.getKey(keys.aliases().nextElement(), new char[0]);
			Signature signing = Signature.getInstance("SHA256withRSA");
			signing.initSign(key);
			signing.update(component.getBytes(StandardCharsets.UTF_8));
			byte[] signature = signing.sign();
			Signature checking = Signature.getInstance("SHA256withRSA");
			checking.initVerify(client.getPublicKey());
			checking.update(component.getBytes(StandardCharsets.UTF_8));
			assertThat(checking.verify(signature)).as(component + ".key matches " + component + ".crt").isTrue();

			assertThat(env(objects, component))
				.containsEntry("STEVEDORE_APISERVER_URL", "https://rel-stevedore-gateway.ns.svc:6443")
				.containsEntry("STEVEDORE_APISERVER_CACERTFILE", "/var/run/stevedore/identity/ca.crt")
				.containsEntry("STEVEDORE_APISERVER_CLIENTCERTFILE",
						"/var/run/stevedore/identity/" + component + ".crt")
				.containsEntry("STEVEDORE_APISERVER_CLIENTKEYFILE",
						"/var/run/stevedore/identity/" + component + ".key");
			PodSpec pod = ((Deployment) get(objects, "Deployment", "rel-stevedore-" + component)).getSpec()
				.getTemplate()
				.getSpec();
			List<String> mounted = pod.getVolumes()
				.stream()
				.filter((v) -> v.getSecret() != null && "rel-stevedore-ca".equals(v.getSecret().getSecretName()))
				.flatMap((v) -> v.getSecret().getItems().stream())
				.map((item) -> item.getKey())
				.toList();
			// Only what the component needs of the CA Secret: the CA key only for the
			// controllers' csrsigning.
			if (component.equals("controllers")) {
				assertThat(mounted).containsExactlyInAnyOrder("ca.crt", "controllers.crt", "controllers.key", "ca.key");
				assertThat(env(objects, component)).containsEntry("STEVEDORE_CONTROLLERS_CLUSTERSIGNINGKEYFILE",
						"/var/run/stevedore/identity/ca.key");
			}
			else {
				assertThat(mounted).containsExactlyInAnyOrder("ca.crt", "scheduler.crt", "scheduler.key");
			}
		}
		// The gateway's serving certificate names the Service host the components use.
		assertThat(env(objects, "gateway").get("STEVEDORE_GATEWAY_TLS_SUBJECTALTERNATIVENAMES"))
			.contains("rel-stevedore-gateway.ns.svc");
	}

	private static X509Certificate certificate(String pem) throws Exception {
		return (X509Certificate) CertificateFactory.getInstance("X.509")
			.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
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
	void theApiserverCallsNodeAgentsOverHttpsWithAKubeletClientSecret() {
		assertThat(env(render(template()), "apiserver"))
			.doesNotContainKey("STEVEDORE_APISERVER_KUBELET_CERTIFICATEAUTHORITY");

		Map<String, HasMetadata> objects = render(
				template().set("apiserver.kubeletClient.existingSecret", "kubelet-client"));
		assertThat(env(objects, "apiserver"))
			.containsEntry("STEVEDORE_APISERVER_KUBELET_CERTIFICATEAUTHORITY",
					"/var/run/stevedore/kubelet-client/ca.crt")
			.containsEntry("STEVEDORE_APISERVER_KUBELET_CLIENTCERTIFICATE", "/var/run/stevedore/kubelet-client/tls.crt")
			.containsEntry("STEVEDORE_APISERVER_KUBELET_CLIENTKEY", "/var/run/stevedore/kubelet-client/tls.key");
		assertThat(container(objects, "apiserver").getVolumeMounts())
			.anyMatch((m) -> m.getName().equals("kubelet-client")
					&& m.getMountPath().equals("/var/run/stevedore/kubelet-client") && m.getReadOnly());
		Deployment apiserver = get(objects, "Deployment", "rel-stevedore-apiserver");
		assertThat(apiserver.getSpec().getTemplate().getSpec().getVolumes())
			.anyMatch((v) -> v.getName().equals("kubelet-client") && v.getSecret() != null
					&& v.getSecret().getSecretName().equals("kubelet-client"));
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
