/**
 * Kubernetes' PodSecurity admission plugin: the Pod Security Standards enforced per
 * namespace.
 *
 * <pre>
 * apiserver ──AdmissionReview (validate)──▶ AdmissionChain ──▶ PodSecurityPlugin
 *                                                                  │
 *                                      PodSecurityAdmission ◀──────┘
 *                                        │  pods: enforce + audit + warn
 *                                        │  workloads (Deployment, Job, ...): audit + warn only
 *                                        │  namespaces: labels valid? enforce tightened? → pod warnings
 *                                        ▼
 *   ClusterReader (namespace informer, live GET/LIST fallback)
 *   NamespacePolicy (pod-security.kubernetes.io/* labels, defaults)
 *   policy.Evaluator ── policy.Check × 17, each revision per v1.N, in kube-apiserver's order
 *                                        │
 *                                        ▼
 *   PodSecurityDecision: 403/422 Status | Warning headers | audit annotations (logged)
 * </pre>
 *
 * The {@code policy} package is pure (fabric8 model in, Kubernetes' wording out); this
 * package adds the admission rules around it and the Spring wiring.
 */
package io.stevedore.gateway.admission.podsecurity;
