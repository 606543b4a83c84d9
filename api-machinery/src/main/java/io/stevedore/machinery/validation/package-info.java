/**
 * Validation of API objects, with Kubernetes' field paths and messages.
 *
 * <pre>
 *  request body ──decode──▶ UnknownFields.collectAndStrip   (fieldValidation=Strict|Warn|Ignore)
 *                                │
 *                                ▼
 *                      Defaulting.apply(type, obj)          (io.stevedore.machinery.defaulting)
 *                                │
 *                                ▼
 *   Validation.validateCreate / validateUpdate / validateStatusUpdate
 *        ├─ ObjectMetaValidation   name per kind (NameValidator), namespace, labels,
 *        │                         annotations (256 KiB), ownerReferences, finalizers;
 *        │                         on update: identity fields immutable
 *        └─ KindValidator per group/kind
 *              core/       Pod (PodSpecValidation, ContainerValidation, ProbeValidation,
 *                          VolumeValidation, ResourceRequirementsValidation, TolerationValidation),
 *                          Service, ConfigMap, Secret, Namespace, Node, Endpoints,
 *                          ResourceQuota, LimitRange
 *              apps/       Deployment, ReplicaSet, StatefulSet, DaemonSet (WorkloadValidation)
 *              batch/      Job, CronJob (CronSchedule)
 *              networking/ Ingress          rbac/ Role(Binding), ClusterRole(Binding)
 *              cluster/    Lease, EndpointSlice, HPA, PDB, PriorityClass
 *                                │
 *                                ▼
 *            List&lt;FieldError&gt; ──▶ ApiException.invalid(...)  (422, kubectl's text)
 * </pre>
 *
 * String syntaxes (DNS names, label keys and values, port names, env names, config keys)
 * live in {@link io.stevedore.machinery.validation.NameValidation} and return the exact
 * messages of k8s.io/apimachinery/pkg/util/validation.
 */
package io.stevedore.machinery.validation;
