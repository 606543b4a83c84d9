package io.stevedore.storage;

/** A running watch; closing it stops delivery. */
public interface Watch extends AutoCloseable {

	@Override
	void close();

}
