package io.stevedore.controller.serviceaccount;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.controller.replicaset.InMemoryLister;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceAccountsSyncTest {

	final Map<String, Namespace> namespaces = new java.util.HashMap<>();

	final InMemoryLister<ServiceAccount> serviceAccounts = new InMemoryLister<>();

	final List<ServiceAccount> created = new ArrayList<>();

	final ServiceAccountsSync sync = new ServiceAccountsSync(this.namespaces::get, this.serviceAccounts,
			this.created::add);

	@Test
	void anActiveNamespaceWithoutDefaultGetsOne() {
		this.namespaces.put("team", namespace("team", "Active"));

		this.sync.reconcile("team");

		assertThat(this.created).singleElement().satisfies(sa -> {
			assertThat(sa.getMetadata().getName()).isEqualTo("default");
			assertThat(sa.getMetadata().getNamespace()).isEqualTo("team");
		});
	}

	@Test
	void aNamespaceThatHasDefaultGetsNothing() {
		this.namespaces.put("team", namespace("team", "Active"));
		this.serviceAccounts.put(new ServiceAccountBuilder().withNewMetadata()
			.withName("default")
			.withNamespace("team")
			.endMetadata()
			.build());

		this.sync.reconcile("team");

		assertThat(this.created).isEmpty();
	}

	@Test
	void aTerminatingNamespaceGetsNothing() {
		this.namespaces.put("going", namespace("going", "Terminating"));

		this.sync.reconcile("going");

		assertThat(this.created).isEmpty();
	}

	@Test
	void aDefaultCreatedMeanwhileIsNotAnError() {
		this.namespaces.put("team", namespace("team", "Active"));
		ServiceAccountsSync racing = new ServiceAccountsSync(this.namespaces::get, this.serviceAccounts, sa -> {
			throw new KubernetesClientException("already exists", 409, null);
		});

		assertThat(racing.reconcile("team").requeue()).isFalse();
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
