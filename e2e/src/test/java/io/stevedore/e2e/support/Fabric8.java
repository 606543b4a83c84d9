package io.stevedore.e2e.support;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** fabric8's KubernetesClient pointed at one URL, ignoring the machine's kubeconfig. */
public final class Fabric8 {

	private Fabric8() {
	}

	public static KubernetesClient client(String url) {
		Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url)
			.withRequestTimeout(30_000)
			.withWatchReconnectInterval(200)
			.build();
		return new KubernetesClientBuilder().withConfig(config).build();
	}

}
