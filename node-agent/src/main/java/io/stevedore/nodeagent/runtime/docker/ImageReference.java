package io.stevedore.nodeagent.runtime.docker;

/**
 * An image reference split the way Docker's pull API wants it: repository, and tag or
 * digest. A reference with neither means {@code latest}, as in Kubernetes; without that
 * the engine would pull every tag of the repository.
 */
record ImageReference(String repository, String tagOrDigest) {

	static ImageReference parse(String image) {
		if (image == null || image.isBlank()) {
			throw new IllegalArgumentException("image must not be empty");
		}
		int at = image.indexOf('@');
		if (at >= 0) {
			return new ImageReference(image.substring(0, at), image.substring(at + 1));
		}
		int colon = image.lastIndexOf(':');
		// A colon before the last slash is a registry port (127.0.0.1:5000/app).
		if (colon > image.lastIndexOf('/')) {
			return new ImageReference(image.substring(0, colon), image.substring(colon + 1));
		}
		return new ImageReference(image, "latest");
	}

}
