package io.stevedore.machinery.quota;

import java.util.List;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;

/** The objects of one namespace a quota counts, behind an interface for unit tests. */
public interface NamespaceObjects {

	List<Pod> pods(String namespace);

	List<Service> services(String namespace);

	List<PersistentVolumeClaim> persistentVolumeClaims(String namespace);

	/**
	 * How many objects of a resource the namespace holds.
	 * @param groupResource {@code configmaps}, {@code deployments.apps}, …
	 * @return null when the apiserver does not serve the resource (no usage is reported)
	 */
	Long count(String namespace, String groupResource);

}
