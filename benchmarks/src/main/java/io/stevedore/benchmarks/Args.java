package io.stevedore.benchmarks;

/** Command-line options of the benchmark programs: {@code --name value} pairs. */
final class Args {

	private Args() {
	}

	static String option(String[] args, String name, String fallback) {
		for (int i = 0; i < args.length - 1; i++) {
			if (args[i].equals(name)) {
				return args[i + 1];
			}
		}
		return fallback;
	}

}
