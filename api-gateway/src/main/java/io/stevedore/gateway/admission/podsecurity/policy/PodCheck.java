package io.stevedore.gateway.admission.podsecurity.policy;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;

/**
 * One version of one check. Never null arguments: a missing metadata or spec is passed as
 * an empty one. Pure and thread-safe.
 */
@FunctionalInterface
public interface PodCheck {

	CheckResult check(ObjectMeta metadata, PodSpec spec);

}
