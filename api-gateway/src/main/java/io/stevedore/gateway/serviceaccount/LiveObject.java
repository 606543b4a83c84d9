package io.stevedore.gateway.serviceaccount;

import java.time.Instant;

/**
 * What token issuing and checking need of a ServiceAccount, Pod or Secret as it is now.
 *
 * @param uid the object's uid: a token names it, so a namesake created after a delete
 * does not revive the token
 * @param deletionTimestamp when a graceful delete began; null while not deleting
 * @param serviceAccountName the pod's {@code spec.serviceAccountName} (pods only)
 * @param nodeName the pod's {@code spec.nodeName} (pods only, may be null)
 */
public record LiveObject(String uid, Instant deletionTimestamp, String serviceAccountName, String nodeName) {

	public static LiveObject of(String uid) {
		return new LiveObject(uid, null, null, null);
	}

}
