package io.stevedore.controller.rootcacertpublisher;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.stevedore.controller.replicaset.InMemoryLister;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The root CA publisher's decisions, with the writes recorded. */
class RootCaCertPublisherSyncTest {

	static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

	final Map<String, Namespace> namespaces = new HashMap<>();

	final InMemoryLister<ConfigMap> configMaps = new InMemoryLister<>();

	final List<String> writes = new ArrayList<>();

	final List<ConfigMap> written = new ArrayList<>();

	final RootCaCertPublisherSync sync = new RootCaCertPublisherSync(this.namespaces::get, this.configMaps,
			new RootCaCertPublisherSync.ConfigMapWriter() {
				@Override
				public void create(ConfigMap map) {
					RootCaCertPublisherSyncTest.this.writes.add("create");
					RootCaCertPublisherSyncTest.this.written.add(map);
				}

				@Override
				public void update(ConfigMap map) {
					RootCaCertPublisherSyncTest.this.writes.add("update");
					RootCaCertPublisherSyncTest.this.written.add(map);
				}
			}, CA);

	@Test
	void anActiveNamespaceWithoutTheConfigMapGetsOneWithTheCaAndKubernetesDescription() {
		this.namespaces.put("team", namespace("team", "Active"));
		this.sync.reconcile("team");
		assertThat(this.writes).containsExactly("create");
		ConfigMap map = this.written.get(0);
		assertThat(map.getMetadata().getName()).isEqualTo("kube-root-ca.crt");
		assertThat(map.getMetadata().getNamespace()).isEqualTo("team");
		assertThat(map.getData()).containsExactly(Map.entry("ca.crt", CA));
		assertThat(map.getMetadata().getAnnotations()).containsEntry("kubernetes.io/description",
				RootCaCertPublisherSync.DESCRIPTION);
	}

	@Test
	void aConfigMapThatIsAlreadyRightIsLeftAlone() {
		this.namespaces.put("team", namespace("team", "Active"));
		this.configMaps.put(published("team").build());
		this.sync.reconcile("team");
		assertThat(this.writes).isEmpty();
	}

	@Test
	void aChangedConfigMapIsWrittenBackWholeOnACopyOfTheCachedOne() {
		this.namespaces.put("team", namespace("team", "Active"));
		ConfigMap tampered = published("team").withData(Map.of("ca.crt", "forged", "extra", "x")).build();
		this.configMaps.put(tampered);
		this.sync.reconcile("team");
		assertThat(this.writes).containsExactly("update");
		assertThat(this.written.get(0).getData()).containsExactly(Map.entry("ca.crt", CA));
		assertThat(this.written.get(0).getMetadata().getResourceVersion()).isEqualTo("7");
		assertThat(tampered.getData()).containsEntry("ca.crt", "forged");
	}

	@Test
	void aConfigMapWhoseDescriptionWasRemovedGetsItBack() {
		this.namespaces.put("team", namespace("team", "Active"));
		this.configMaps.put(published("team").editMetadata().withAnnotations(Map.of()).endMetadata().build());
		this.sync.reconcile("team");
		assertThat(this.writes).containsExactly("update");
		assertThat(this.written.get(0).getMetadata().getAnnotations()).containsKey("kubernetes.io/description");
	}

	@Test
	void aTerminatingOrUnknownNamespaceGetsNothing() {
		this.namespaces.put("going", namespace("going", "Terminating"));
		this.sync.reconcile("going");
		this.sync.reconcile("unknown");
		assertThat(this.writes).isEmpty();
	}

	@Test
	void theCaComesFromTheRootCaFileElseTheClientsCaDataElseTheClientsCaFile() throws Exception {
		java.nio.file.Path file = java.nio.file.Files.createTempFile("ca", ".crt");
		java.nio.file.Files.writeString(file, "from-file");
		Config withData = new ConfigBuilder(Config.empty())
			.withCaCertData(java.util.Base64.getEncoder().encodeToString(CA.getBytes()))
			.build();
		assertThat(RootCaCertPublisher.rootCa(file.toString(), withData)).isEqualTo("from-file");
		assertThat(RootCaCertPublisher.rootCa("", withData)).isEqualTo(CA);
		Config withFile = new ConfigBuilder(Config.empty()).withCaCertFile(file.toString()).build();
		assertThat(RootCaCertPublisher.rootCa(null, withFile)).isEqualTo("from-file");
		assertThat(RootCaCertPublisher.rootCa(null, Config.empty())).isNull();
		java.nio.file.Files.delete(file);
	}

	private static ConfigMapBuilder published(String namespace) {
		return new ConfigMapBuilder().withNewMetadata()
			.withName("kube-root-ca.crt")
			.withNamespace(namespace)
			.withResourceVersion("7")
			.addToAnnotations("kubernetes.io/description", RootCaCertPublisherSync.DESCRIPTION)
			.endMetadata()
			.withData(Map.of("ca.crt", CA));
	}

	private static Namespace namespace(String name, String phase) {
		return new NamespaceBuilder().withNewMetadata()
			.withName(name)
			.endMetadata()
			.withNewStatus()
			.withPhase(phase)
			.endStatus()
			.build();
	}

}
