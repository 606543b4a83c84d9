package io.stevedore.nodeagent.runtime;

/** Credentials for one registry, from a kubernetes.io/dockerconfigjson pull secret. */
public record RegistryAuth(String registry, String username, String password) {

	@Override
	public String toString() {
		// Never log a password.
		return "RegistryAuth[registry=" + this.registry + ", username=" + this.username + "]";
	}

}
