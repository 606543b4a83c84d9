package io.stevedore.machinery.printers;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;

/** Printers of the workload controllers' kinds: apps, batch and policy. */
final class WorkloadPrinters {

	private WorkloadPrinters() {
	}

	static final KindPrinter<Deployment> DEPLOYMENT = new KindPrinter<>(Deployment.class, List.of(Column.NAME,
			Column.string("Ready", "Number of the pod with ready state"),
			Column.string("Up-to-date",
					"Total number of non-terminating pods targeted by this deployment that have the desired template spec."),
			Column.string("Available",
					"Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment."),
			Column.AGE, Column.CONTAINERS, Column.IMAGES, Column.wide("Selector", "Label selector for pods.")),
			WorkloadPrinters::deployment);

	static final KindPrinter<ReplicaSet> REPLICA_SET = new KindPrinter<>(ReplicaSet.class,
			List.of(Column.NAME, Column.integer("Desired", "Replicas is the number of desired pods."),
					Column.integer("Current", "Replicas is the most recently observed number of non-terminating pods."),
					Column.integer("Ready",
							"The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."),
					Column.AGE, Column.CONTAINERS, Column.IMAGES,
					Column.wide("Selector",
							"Selector is a label query over pods that should match the replica count.")),
			WorkloadPrinters::replicaSet);

	static final KindPrinter<StatefulSet> STATEFUL_SET = new KindPrinter<>(StatefulSet.class, List.of(Column.NAME,
			Column.string("Ready", "Number of the pod with ready state"), Column.AGE, Column.CONTAINERS, Column.IMAGES),
			WorkloadPrinters::statefulSet);

	static final KindPrinter<DaemonSet> DAEMON_SET = new KindPrinter<>(DaemonSet.class, List.of(Column.NAME,
			Column.integer("Desired", "The total number of nodes that should be running the daemon pod."),
			Column.integer("Current",
					"The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
			Column.integer("Ready",
					"The number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."),
			Column.integer("Up-to-date", "The total number of nodes that are running updated daemon pod"),
			Column.integer("Available",
					"The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available."),
			Column.string("Node Selector",
					"NodeSelector is a selector which must be true for the pod to fit on a node."),
			Column.AGE, Column.CONTAINERS, Column.IMAGES,
			Column.wide("Selector", "A label query over pods that are managed by the daemon set.")),
			WorkloadPrinters::daemonSet);

	static final KindPrinter<Job> JOB = new KindPrinter<>(Job.class,
			List.of(Column.NAME, Column.string("Status", "Status of the job."),
					Column.string("Completions", "The number of pods which reached phase Succeeded."),
					Column.string("Duration", "Time required to complete the job."), Column.AGE, Column.CONTAINERS,
					Column.IMAGES, Column.wide("Selector", "A label query over pods that should match the pod count.")),
			WorkloadPrinters::job);

	static final KindPrinter<CronJob> CRON_JOB = new KindPrinter<>(CronJob.class,
			List.of(Column.NAME,
					Column.string("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
					Column.string("Timezone", "The time zone name for the given schedule."),
					Column.bool("Suspend", "This flag tells the controller to suspend subsequent executions."),
					Column.integer("Active", "A list of pointers to currently running jobs."),
					Column.string("Last Schedule",
							"Information when was the last time the job was successfully scheduled."),
					Column.AGE, Column.CONTAINERS, Column.IMAGES,
					Column.wide("Selector", "A label query over pods that should match the pod count.")),
			WorkloadPrinters::cronJob);

	static final KindPrinter<ControllerRevision> CONTROLLER_REVISION = new KindPrinter<>(ControllerRevision.class,
			List.of(Column.NAME, Column.string("Controller", "Controller of the object"),
					Column.string("Revision", "Revision indicates the revision of the state represented by Data."),
					Column.AGE),
			WorkloadPrinters::controllerRevision);

	static final KindPrinter<PodDisruptionBudget> POD_DISRUPTION_BUDGET = new KindPrinter<>(PodDisruptionBudget.class,
			List.of(Column.NAME, Column.string("Min Available", "The minimum number of pods that must be available."),
					Column.string("Max Unavailable", "The maximum number of pods that may be unavailable."),
					Column.integer("Allowed Disruptions",
							"Calculated number of pods that may be disrupted at this time."),
					Column.AGE),
			WorkloadPrinters::podDisruptionBudget);

	private static Row deployment(Deployment d, Instant now) {
		DeploymentSpec spec = d.getSpec() != null ? d.getSpec() : new DeploymentSpec();
		DeploymentStatus status = d.getStatus() != null ? d.getStatus() : new DeploymentStatus();
		var containers = spec.getTemplate() != null && spec.getTemplate().getSpec() != null
				? spec.getTemplate().getSpec().getContainers() : null;
		return Row.of(d.getMetadata().getName(),
				Cells.num(status.getReadyReplicas()) + "/" + Cells.num(spec.getReplicas()),
				Cells.num(status.getUpdatedReplicas()), Cells.num(status.getAvailableReplicas()),
				Cells.age(d.getMetadata().getCreationTimestamp(), now), Cells.containerNames(containers),
				Cells.containerImages(containers), Cells.selectorString(spec.getSelector()));
	}

	private static Row replicaSet(ReplicaSet rs, Instant now) {
		ReplicaSetSpec spec = rs.getSpec() != null ? rs.getSpec() : new ReplicaSetSpec();
		ReplicaSetStatus status = rs.getStatus() != null ? rs.getStatus() : new ReplicaSetStatus();
		var containers = spec.getTemplate() != null && spec.getTemplate().getSpec() != null
				? spec.getTemplate().getSpec().getContainers() : null;
		return Row.of(rs.getMetadata().getName(), Cells.num(spec.getReplicas()), Cells.num(status.getReplicas()),
				Cells.num(status.getReadyReplicas()), Cells.age(rs.getMetadata().getCreationTimestamp(), now),
				Cells.containerNames(containers), Cells.containerImages(containers),
				Cells.labelSelector(spec.getSelector()));
	}

	private static Row statefulSet(StatefulSet sts, Instant now) {
		StatefulSetSpec spec = sts.getSpec() != null ? sts.getSpec() : new StatefulSetSpec();
		StatefulSetStatus status = sts.getStatus() != null ? sts.getStatus() : new StatefulSetStatus();
		var containers = spec.getTemplate() != null && spec.getTemplate().getSpec() != null
				? spec.getTemplate().getSpec().getContainers() : null;
		return Row.of(sts.getMetadata().getName(),
				Cells.num(status.getReadyReplicas()) + "/" + Cells.num(spec.getReplicas()),
				Cells.age(sts.getMetadata().getCreationTimestamp(), now), Cells.containerNames(containers),
				Cells.containerImages(containers));
	}

	private static Row daemonSet(DaemonSet ds, Instant now) {
		DaemonSetSpec spec = ds.getSpec() != null ? ds.getSpec() : new DaemonSetSpec();
		DaemonSetStatus status = ds.getStatus() != null ? ds.getStatus() : new DaemonSetStatus();
		var podSpec = spec.getTemplate() != null ? spec.getTemplate().getSpec() : null;
		var containers = podSpec != null ? podSpec.getContainers() : null;
		return Row.of(ds.getMetadata().getName(), Cells.num(status.getDesiredNumberScheduled()),
				Cells.num(status.getCurrentNumberScheduled()), Cells.num(status.getNumberReady()),
				Cells.num(status.getUpdatedNumberScheduled()), Cells.num(status.getNumberAvailable()),
				Cells.labels(podSpec != null ? podSpec.getNodeSelector() : null),
				Cells.age(ds.getMetadata().getCreationTimestamp(), now), Cells.containerNames(containers),
				Cells.containerImages(containers), Cells.labelSelector(spec.getSelector()));
	}

	private static Row job(Job job, Instant now) {
		JobSpec spec = job.getSpec() != null ? job.getSpec() : new JobSpec();
		JobStatus status = job.getStatus() != null ? job.getStatus() : new JobStatus();
		long succeeded = Cells.num(status.getSucceeded());
		String completions;
		if (spec.getCompletions() != null) {
			completions = succeeded + "/" + spec.getCompletions();
		}
		else if (Cells.num(spec.getParallelism()) > 1) {
			completions = succeeded + "/1 of " + spec.getParallelism();
		}
		else {
			completions = succeeded + "/1";
		}
		Instant start = Cells.instant(status.getStartTime());
		Instant completion = Cells.instant(status.getCompletionTime());
		String duration = start == null ? ""
				: HumanDuration.format(Duration.between(start, completion != null ? completion : now));
		List<JobCondition> conditions = status.getConditions() != null ? status.getConditions() : List.of();
		String state;
		if (hasCondition(conditions, "Complete")) {
			state = "Complete";
		}
		else if (hasCondition(conditions, "Failed")) {
			state = "Failed";
		}
		else if (job.getMetadata().getDeletionTimestamp() != null) {
			state = "Terminating";
		}
		else if (hasCondition(conditions, "Suspended")) {
			state = "Suspended";
		}
		else if (hasCondition(conditions, "FailureTarget")) {
			state = "FailureTarget";
		}
		else {
			state = "Running";
		}
		var containers = spec.getTemplate() != null && spec.getTemplate().getSpec() != null
				? spec.getTemplate().getSpec().getContainers() : null;
		return Row.of(job.getMetadata().getName(), state, completions, duration,
				Cells.age(job.getMetadata().getCreationTimestamp(), now), Cells.containerNames(containers),
				Cells.containerImages(containers), Cells.labelSelector(spec.getSelector()));
	}

	/** The first condition of the type decides, as in Kubernetes' hasJobCondition. */
	private static boolean hasCondition(List<JobCondition> conditions, String type) {
		return conditions.stream()
			.filter(c -> type.equals(c.getType()))
			.findFirst()
			.map(c -> "True".equals(c.getStatus()))
			.orElse(false);
	}

	private static Row cronJob(CronJob cj, Instant now) {
		CronJobSpec spec = cj.getSpec() != null ? cj.getSpec() : new CronJobSpec();
		CronJobStatus status = cj.getStatus() != null ? cj.getStatus() : new CronJobStatus();
		String lastSchedule = status.getLastScheduleTime() == null ? Cells.NONE
				: Cells.age(status.getLastScheduleTime(), now);
		var jobSpec = spec.getJobTemplate() != null ? spec.getJobTemplate().getSpec() : null;
		var containers = jobSpec != null && jobSpec.getTemplate() != null && jobSpec.getTemplate().getSpec() != null
				? jobSpec.getTemplate().getSpec().getContainers() : null;
		return Row.of(cj.getMetadata().getName(), Cells.nonNull(spec.getSchedule()),
				spec.getTimeZone() == null ? Cells.NONE : spec.getTimeZone(), Cells.boolPtr(spec.getSuspend()),
				(long) (status.getActive() == null ? 0 : status.getActive().size()), lastSchedule,
				Cells.age(cj.getMetadata().getCreationTimestamp(), now), Cells.containerNames(containers),
				Cells.containerImages(containers), Cells.labelSelector(jobSpec != null ? jobSpec.getSelector() : null));
	}

	private static Row controllerRevision(ControllerRevision cr, Instant now) {
		String controller = Cells.NONE;
		List<OwnerReference> owners = cr.getMetadata().getOwnerReferences();
		if (owners != null) {
			for (OwnerReference owner : owners) {
				if (Cells.bool(owner.getController())) {
					String apiVersion = Cells.nonNull(owner.getApiVersion());
					String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
					String groupKind = group.isEmpty() ? owner.getKind() : owner.getKind() + "." + group;
					controller = groupKind.toLowerCase() + "/" + owner.getName();
					break;
				}
			}
		}
		return Row.of(cr.getMetadata().getName(), controller, cr.getRevision() == null ? 0L : cr.getRevision(),
				Cells.age(cr.getMetadata().getCreationTimestamp(), now));
	}

	private static Row podDisruptionBudget(PodDisruptionBudget pdb, Instant now) {
		PodDisruptionBudgetSpec spec = pdb.getSpec() != null ? pdb.getSpec() : new PodDisruptionBudgetSpec();
		PodDisruptionBudgetStatus status = pdb.getStatus() != null ? pdb.getStatus() : new PodDisruptionBudgetStatus();
		return Row.of(pdb.getMetadata().getName(), intOrString(spec.getMinAvailable()),
				intOrString(spec.getMaxUnavailable()), Cells.num(status.getDisruptionsAllowed()),
				Cells.age(pdb.getMetadata().getCreationTimestamp(), now));
	}

	private static String intOrString(IntOrString value) {
		if (value == null) {
			return "N/A";
		}
		return value.getIntVal() != null ? String.valueOf(value.getIntVal()) : Cells.nonNull(value.getStrVal());
	}

}
