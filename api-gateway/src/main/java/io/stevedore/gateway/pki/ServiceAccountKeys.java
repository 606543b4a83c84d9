package io.stevedore.gateway.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key pair that signs ServiceAccount tokens, kube-apiserver's
 * {@code --service-account-signing-key-file}: RSA 2048 in {@code sa.key} next to the
 * cluster CA (kubeadm's name), its public half in {@code sa.pub}. Created at first start
 * and reused; every gateway replica must hold the same key (they share the state
 * directory, or copy {@code sa.key} from the same Secret as {@code ca.key}), or a token
 * one replica issues is refused by another.
 */
public final class ServiceAccountKeys {

	private static final Logger log = LoggerFactory.getLogger(ServiceAccountKeys.class);

	public static final String PRIVATE_KEY_FILE = "sa.key";

	public static final String PUBLIC_KEY_FILE = "sa.pub";

	private final RSAPrivateCrtKey privateKey;

	private final RSAPublicKey publicKey;

	private final String keyId;

	ServiceAccountKeys(RSAPrivateCrtKey privateKey) {
		this.privateKey = privateKey;
		this.publicKey = publicOf(privateKey);
		this.keyId = keyIdOf(this.publicKey);
	}

	/** Loads {@code sa.key} from {@code directory}, creating it when missing. */
	public static ServiceAccountKeys loadOrCreate(Path directory) {
		Path keyFile = directory.resolve(PRIVATE_KEY_FILE);
		if (!Files.exists(keyFile)) {
			create(keyFile);
		}
		PrivateKey key = Pem.readPrivateKey(keyFile);
		if (!(key instanceof RSAPrivateCrtKey rsa)) {
			throw new IllegalArgumentException(keyFile + " must hold an RSA private key (ServiceAccount tokens are "
					+ "signed RS256), found " + key.getAlgorithm());
		}
		ServiceAccountKeys keys = new ServiceAccountKeys(rsa);
		Path publicFile = directory.resolve(PUBLIC_KEY_FILE);
		String publicPem = Pem.encode(keys.publicKey);
		try {
			if (!Files.exists(publicFile) || !Files.readString(publicFile).equals(publicPem)) {
				Pem.writePublic(publicFile, publicPem);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + publicFile, ex);
		}
		return keys;
	}

	public static ServiceAccountKeys generate() {
		return new ServiceAccountKeys(newPrivateKey());
	}

	/**
	 * Writes a new key without ever replacing one: replicas starting together on a shared
	 * directory race here, and a hard link (which fails when the name exists) lets
	 * exactly one of them win; the others read the winner's key.
	 */
	private static void create(Path keyFile) {
		Path temporary = null;
		try {
			temporary = Files.createTempFile(keyFile.getParent(), PRIVATE_KEY_FILE, ".tmp",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			Files.writeString(temporary, Pem.encode(newPrivateKey()), StandardCharsets.US_ASCII);
			Files.createLink(keyFile, temporary);
			log.info("created ServiceAccount signing key file={}", keyFile);
		}
		catch (FileAlreadyExistsException ex) {
			log.info("another replica created the ServiceAccount signing key file={}", keyFile);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create " + keyFile, ex);
		}
		finally {
			if (temporary != null) {
				try {
					Files.deleteIfExists(temporary);
				}
				catch (IOException ex) {
					log.warn("cannot delete {}", temporary, ex);
				}
			}
		}
	}

	private static RSAPrivateCrtKey newPrivateKey() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("RSA key generation unavailable", ex);
		}
	}

	private static RSAPublicKey publicOf(RSAPrivateCrtKey key) {
		try {
			return (RSAPublicKey) KeyFactory.getInstance("RSA")
				.generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * kube-apiserver's key id: the unpadded base64url SHA-256 of the DER public key, so
	 * the same key has the same {@code kid} on every replica and in the JWKS.
	 */
	static String keyIdOf(RSAPublicKey key) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public RSAPrivateCrtKey privateKey() {
		return this.privateKey;
	}

	public RSAPublicKey publicKey() {
		return this.publicKey;
	}

	public String keyId() {
		return this.keyId;
	}

}
