/**
 * What the workload controllers (ReplicaSet, Deployment, Job, DaemonSet, StatefulSet)
 * share, as in Kubernetes' {@code pkg/controller/controller_utils.go}: {@link PodControl}
 * (pods created and deleted with a controller ownerReference),
 * {@link ControllerExpectations} (never act twice on one's own unobserved writes),
 * {@link Pods} (readiness and availability) and {@link OwnerRefs}.
 */
package io.stevedore.controller.workload;
