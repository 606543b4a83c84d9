/**
 * Kubernetes' defaulting (SetDefaults_* of
 * pkg/apis/&lt;group&gt;/&lt;version&gt;/defaults.go), applied in place by
 * {@link io.stevedore.machinery.defaulting.Defaulting#apply} to every decoded body before
 * validation. One small class per area: PodDefaults (Pod, PodSpec, containers, probes,
 * volumes, resource lists), WorkloadDefaults (apps/v1), BatchDefaults (Job, CronJob, the
 * generated Job selector), ServiceDefaults, AutoscalingDefaults and MiscDefaults.
 */
package io.stevedore.machinery.defaulting;
