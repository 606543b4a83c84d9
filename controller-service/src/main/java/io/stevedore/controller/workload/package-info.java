/**
 * What the workload controllers (ReplicaSet, Deployment, Job, DaemonSet, StatefulSet)
 * share, as in Kubernetes' {@code pkg/controller/controller_utils.go}: {@link PodControl}
 * (pods created from a template and deleted), {@link ControllerExpectations} (never act
 * twice on one's own unobserved writes), {@link PodStates} (active, ready, available),
 * {@link ControllerRefs} and {@link PodTemplates}.
 */
package io.stevedore.controller.workload;
