package io.stevedore.e2e.support;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** fabric8's KubernetesClient pointed at one URL, ignoring the machine's kubeconfig. */
public final class Fabric8 {

	private Fabric8() {
	}

	/**
	 * A client with fabric8's defaults: watches try a WebSocket first, as kubectl's do
	 * not.
	 */
	public static KubernetesClient client(String url) {
		return new KubernetesClientBuilder().withConfig(config(url).build()).build();
	}

	/**
	 * A client whose watches are plain streaming GETs (what kubectl and client-go use),
	 * for tests about what happens inside a watch rather than how it is opened.
	 */
	public static KubernetesClient httpWatchClient(String url) {
		return new KubernetesClientBuilder().withConfig(config(url).withOnlyHttpWatches(true).build()).build();
	}

	private static ConfigBuilder config(String url) {
		return new ConfigBuilder(Config.empty()).withMasterUrl(url)
			.withRequestTimeout(30_000)
			.withWatchReconnectInterval(200);
	}

}
