package io.stevedore.nodeagent.pod;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;

/** Where the agent reads the ConfigMaps and Secrets pods refer to; null when absent. */
public interface ApiObjects {

	ConfigMap configMap(String namespace, String name);

	Secret secret(String namespace, String name);

}
