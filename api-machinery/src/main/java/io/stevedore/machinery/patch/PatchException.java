package io.stevedore.machinery.patch;

/**
 * A patch that cannot be applied. The message is the text kube-apiserver puts in the
 * Status it returns; {@link #code()} is its HTTP code: 400 for a malformed patch
 * document, 422 for a well-formed patch that does not fit the object (a failed
 * {@code test}, a missing path, a bad directive).
 */
public class PatchException extends IllegalArgumentException {

	public static final int BAD_REQUEST = 400;

	public static final int UNPROCESSABLE_ENTITY = 422;

	private final int code;

	public PatchException(int code, String message) {
		super(message);
		this.code = code;
	}

	static PatchException badRequest(String message) {
		return new PatchException(BAD_REQUEST, message);
	}

	static PatchException unprocessable(String message) {
		return new PatchException(UNPROCESSABLE_ENTITY, message);
	}

	/** The HTTP status code the apiserver answers with. */
	public int code() {
		return this.code;
	}

}
