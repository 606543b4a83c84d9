package io.stevedore.apiserver.encryption;

/**
 * One entry of an EncryptionConfiguration's {@code providers}: it writes values that
 * start with its prefix and reads the values that do.
 */
interface Provider {

	/** Whether this provider wrote {@code stored} (by its prefix). */
	boolean reads(byte[] stored);

	byte[] encrypt(String key, byte[] plain);

	byte[] decrypt(String key, byte[] stored);

}
