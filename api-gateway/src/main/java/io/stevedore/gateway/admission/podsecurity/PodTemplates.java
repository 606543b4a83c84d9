package io.stevedore.gateway.admission.podsecurity;

import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * The pod (metadata and spec) inside the objects PodSecurity looks at, as Kubernetes'
 * {@code DefaultPodSpecExtractor}: a Pod itself, and the template of every workload
 * resource of core, apps and batch.
 */
final class PodTemplates {

	/** group/resource of the workloads, the key {@code AdmissionAttributes} gives. */
	static final Map<String, String> WORKLOADS = Map.of("/replicationcontrollers", "ReplicationController",
			"/podtemplates", "PodTemplate", "apps/replicasets", "ReplicaSet", "apps/deployments", "Deployment",
			"apps/statefulsets", "StatefulSet", "apps/daemonsets", "DaemonSet", "batch/jobs", "Job", "batch/cronjobs",
			"CronJob");

	private PodTemplates() {
	}

	/** A pod's metadata and spec. */
	record PodParts(ObjectMeta metadata, PodSpec spec) {
	}

	/**
	 * @return the pod or template; empty when a workload has none (a
	 * ReplicationController may omit it)
	 * @throws IllegalArgumentException when the object is of no kind PodSecurity knows
	 */
	static Optional<PodParts> extract(HasMetadata object) {
		PodTemplateSpec template = switch (object) {
			case Pod pod -> new PodTemplateSpec(pod.getMetadata(), pod.getSpec());
			case PodTemplate podTemplate -> podTemplate.getTemplate();
			case ReplicationController controller ->
				controller.getSpec() == null ? null : controller.getSpec().getTemplate();
			case ReplicaSet replicaSet -> replicaSet.getSpec() == null ? null : replicaSet.getSpec().getTemplate();
			case Deployment deployment -> deployment.getSpec() == null ? null : deployment.getSpec().getTemplate();
			case DaemonSet daemonSet -> daemonSet.getSpec() == null ? null : daemonSet.getSpec().getTemplate();
			case StatefulSet statefulSet -> statefulSet.getSpec() == null ? null : statefulSet.getSpec().getTemplate();
			case Job job -> job.getSpec() == null ? null : job.getSpec().getTemplate();
			case CronJob cronJob -> cronJob.getSpec() == null || cronJob.getSpec().getJobTemplate() == null
					|| cronJob.getSpec().getJobTemplate().getSpec() == null ? null
							: cronJob.getSpec().getJobTemplate().getSpec().getTemplate();
			default -> throw new IllegalArgumentException(
					"unexpected object type: " + object.getApiVersion() + ", Kind=" + object.getKind());
		};
		if (template == null) {
			return Optional.empty();
		}
		return Optional.of(new PodParts(template.getMetadata() == null ? new ObjectMeta() : template.getMetadata(),
				template.getSpec() == null ? new PodSpec() : template.getSpec()));
	}

}
