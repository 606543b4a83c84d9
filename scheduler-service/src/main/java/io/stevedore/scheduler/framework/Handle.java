package io.stevedore.scheduler.framework;

import java.time.Clock;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What a plugin factory may use: the API client (the binder, preemption) and the clock.
 * Kubernetes' {@code framework.Handle}, reduced to what the in-tree plugins here need.
 *
 * @param client the API client; null in unit tests of plugins that do not write
 * @param clock the scheduler's clock
 * @param args the plugin's arguments from the profile ({@code plugin-args.<Name>.*})
 */
public record Handle(KubernetesClient client, Clock clock, java.util.Map<String, String> args) {

	public String arg(String name, String defaultValue) {
		return this.args == null ? defaultValue : this.args.getOrDefault(name, defaultValue);
	}

}
