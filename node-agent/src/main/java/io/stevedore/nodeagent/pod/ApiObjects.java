package io.stevedore.nodeagent.pod;

import java.util.List;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;

/** Where the agent reads the ConfigMaps and Secrets pods refer to; null when absent. */
public interface ApiObjects {

	ConfigMap configMap(String namespace, String name);

	Secret secret(String namespace, String name);

	/**
	 * The namespace's Services, for the containers' service variables; none by default.
	 */
	default List<Service> services(String namespace) {
		return List.of();
	}

	/** A claim a pod mounts; none by default. */
	default PersistentVolumeClaim persistentVolumeClaim(String namespace, String name) {
		return null;
	}

	/** The volume a claim is bound to; none by default. */
	default PersistentVolume persistentVolume(String name) {
		return null;
	}

}
