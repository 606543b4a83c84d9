package io.stevedore.nodeagent.pod;

/**
 * Why a container is not running yet: a Kubernetes waiting reason (ContainerCreating,
 * ErrImagePull, ImagePullBackOff, CrashLoopBackOff, CreateContainerConfigError, ...) and
 * the message a user acts on.
 */
public record Waiting(String reason, String message) {
}
