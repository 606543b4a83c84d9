package io.stevedore.gateway.admission.podsecurity;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * What PodSecurity reads of the cluster: a pod's namespace (for its labels) on every pod
 * write, and the pods of a namespace when its enforce level is tightened.
 */
public interface ClusterReader {

	/**
	 * @return the namespace; empty when it does not exist
	 * @throws RuntimeException when it cannot be read
	 */
	Optional<Namespace> namespace(String name);

	/**
	 * Every pod of the namespace.
	 * @throws RuntimeException when they cannot be listed
	 */
	List<Pod> pods(String namespace);

}
