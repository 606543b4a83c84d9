package io.stevedore.machinery.quantity;

/** A string that is not a Kubernetes quantity; the message is Kubernetes' own. */
public class QuantityFormatException extends IllegalArgumentException {

	public QuantityFormatException(String message) {
		super(message);
	}

}
